"""`icsim report CONTROL.h5 ALTERNATIVE.h5`: the sections comparing runs."""
