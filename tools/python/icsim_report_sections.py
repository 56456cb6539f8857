"""`icsim report`: sections on region aggregates, districts, land and firms, history and the
backtest."""
