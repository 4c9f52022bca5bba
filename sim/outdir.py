"""Results folders that are never seen half-written, never clobbered by surprise, and have one writer.

:class:`StagedFolder` is how ``run``, ``compare`` and ``dashboard`` write (``sweep`` takes only the
lock, since its folder is built up task by task and resumed):

1. :meth:`StagedFolder.open` checks the target before any simulation starts: it must not be a file, an
   existing non-empty folder is refused unless ``overwrite``, and its name must be legal. It takes the
   target's lock, then makes the temporary folder ``.<name>.<pid>.tmp`` beside the target (the same file
   system, so the final rename is atomic; the process id keeps two writers' names apart).
2. The command writes into :attr:`StagedFolder.path`.
3. :meth:`StagedFolder.commit` renames the temporary folder to the target. With ``overwrite``, the old
   folder is first renamed aside and removed afterwards: a reader sees the old results, then none, then
   the new ones, never a mix.
4. On any failure (a full disk, Ctrl-C) :meth:`StagedFolder.close` removes the temporary folder and the
   target is as it was.

The lock is ``.<name>.lock`` beside the target, held with ``flock`` for the life of the command: a second
writer fails at once with the first one's process id. The lock file is left in place (removing it
would let two processes lock different files of one name); it is empty apart from the holder's pid.
"""

from __future__ import annotations

import errno
import os
import shutil
from glob import escape as glob_escape
from pathlib import Path
from types import TracebackType

__all__ = ["FolderLock", "OutputError", "StagedFolder", "check_new_file"]

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no locking, everything else still holds
    fcntl = None  # type: ignore[assignment]


class OutputError(Exception):
    """An output location that cannot be used; one line for the user (exit status 2)."""


def _name_max(directory: Path) -> int:
    try:
        return os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _describe(exc: OSError, path: Path) -> str:
    return f"{path}: {exc.strerror or exc}"


def _make_parent(target: Path, option: str) -> Path:
    parent = target.parent if str(target.parent) else Path(".")
    name = target.name
    if not name or name in (".", ".."):
        raise OutputError(f"{option} {target}: expected the name of a folder to write")
    if len(os.fsencode(name)) > _name_max(parent if parent.is_dir() else Path(".")) - 24:
        raise OutputError(f"{option} {target}: the name is too long for the file system "
                          f"(at most {_name_max(Path('.')) - 24} bytes here)")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{option} {target}: {parent} exists and is not a folder") from None
    except OSError as exc:
        raise OutputError(f"{option} {target}: cannot create {_describe(exc, parent)}") from None
    if not parent.is_dir():
        raise OutputError(f"{option} {target}: {parent} is not a folder")
    return parent


class FolderLock:
    """An exclusive, non-blocking lock on a results folder (``.<name>.lock`` beside it).

    Raises
    ------
    OutputError
        From :meth:`acquire`, if another process holds the lock or the lock file cannot be made.
    """

    def __init__(self, target: Path, option: str = "--out") -> None:
        self.target = Path(target)
        self.option = option
        self.path = self.target.parent / f".{self.target.name}.lock"
        self._fd: int | None = None

    def acquire(self) -> FolderLock:
        _make_parent(self.target, self.option)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise OutputError(f"{self.option} {self.target}: cannot create the lock file "
                              f"{_describe(exc, self.path)}") from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = _read_pid(fd)
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    who = f"process {holder}" if holder else "another process"
                    raise OutputError(f"{self.option} {self.target}: {who} is writing there now; wait for it "
                                      "to finish or choose another folder") from None
                raise OutputError(f"{self.option} {self.target}: cannot lock {_describe(exc, self.path)}") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""


class StagedFolder:
    """Write a results folder into a temporary folder beside ``target``, then rename it into place.

    Use as a context manager; see the module docstring. ``path`` is where to write.
    """

    def __init__(self, target: str | os.PathLike[str], *, overwrite: bool = False, option: str = "--out") -> None:
        self.target = Path(target)
        self.overwrite = overwrite
        self.option = option
        self.lock = FolderLock(self.target, option)
        self.path = self.target.parent / f".{self.target.name}.{os.getpid()}.tmp"
        self._committed = False
        self._opened = False

    def open(self) -> StagedFolder:
        """Check the target, take its lock and make the temporary folder (before any work starts)."""
        _make_parent(self.target, self.option)
        self._check_target()
        self.lock.acquire()
        try:
            self._check_target()  # again, now that no one else can change it
            # With the lock held no other writer is alive: temporary folders left here are from killed ones.
            for stale in self.target.parent.glob(f".{glob_escape(self.target.name)}.*.tmp"):
                if stale.is_dir() and stale.name.removeprefix(f".{self.target.name}.").removesuffix(".tmp").isdigit():
                    shutil.rmtree(stale, ignore_errors=True)
            try:
                self.path.mkdir()
            except OSError as exc:
                raise OutputError(f"{self.option} {self.target}: cannot write here: "
                                  f"{_describe(exc, self.target.parent)}") from None
        except BaseException:
            self.lock.release()
            raise
        self._opened = True
        return self

    def _check_target(self) -> None:
        t = self.target
        if t.is_symlink() and not t.exists():
            raise OutputError(f"{self.option} {t}: a dangling symbolic link; remove it or choose another folder")
        if t.exists() and not t.is_dir():
            raise OutputError(f"{self.option} {t}: exists and is not a folder; choose another --out")
        if t.is_dir() and not self.overwrite:
            try:
                entries = sorted(p.name for p in t.iterdir())
            except OSError as exc:
                raise OutputError(f"{self.option} {t}: cannot read {_describe(exc, t)}") from None
            if entries:
                shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
                raise OutputError(f"{self.option} {t}: the folder exists and is not empty ({shown}); add "
                                  "--overwrite to replace it, or choose another folder")

    def commit(self) -> Path:
        """Move the finished folder into place, replacing the old one if ``overwrite``; returns the target."""
        for f in self.path.rglob("*"):
            if f.is_file():
                fsync_path(f)
        fsync_path(self.path)
        old: Path | None = None
        if self.target.is_dir() and any(self.target.iterdir()):
            old = self.target.parent / f".{self.target.name}.{os.getpid()}.old"
            if old.exists():
                shutil.rmtree(old)
            os.rename(self.target, old)
        elif self.target.is_dir():
            self.target.rmdir()
        try:
            os.rename(self.path, self.target)
        except OSError:
            if old is not None:
                os.rename(old, self.target)  # put the old results back
            raise
        fsync_path(self.target.parent)
        self._committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target

    def close(self) -> None:
        """Remove the temporary folder unless committed, and release the lock."""
        try:
            if self._opened and not self._committed:
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            self.lock.release()

    def __enter__(self) -> StagedFolder:
        return self.open()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def check_new_file(target: str | os.PathLike[str], *, overwrite: bool, option: str) -> Path:
    """Check, before any work, that ``target`` may be written as a file; returns it as a Path.

    Raises
    ------
    OutputError
        If it is a folder, or an existing file and not ``overwrite``, or its folder cannot be made.
    """
    t = Path(target)
    _make_parent(t, option)
    if t.is_dir():
        raise OutputError(f"{option} {t}: is a folder; give a file name, e.g. {t / 'dashboard.html'}")
    if t.exists() and not overwrite:
        raise OutputError(f"{option} {t}: exists; add --overwrite to replace it, or choose another file")
    return t


def fsync_path(path: Path) -> None:
    """Flush a file or a folder (after a rename inside it) to disk; folders that refuse fsync are let be."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on folders; the rename is still atomic
    finally:
        os.close(fd)
