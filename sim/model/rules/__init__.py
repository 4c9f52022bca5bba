"""Pure, vectorized rules: one file per ODD submodel, no Mesa, no I/O.

Every function takes and returns numpy arrays whose last axis is the
replication axis (length R), so one call advances all replications of a
block; scalars broadcast. Randomness enters only as uniform numbers drawn
by the caller, so a rule consumes the same draws whatever its parameters.
"""
