"""Joint exercises: one mission, several organisations, one sharing agreement; transfer notices."""
