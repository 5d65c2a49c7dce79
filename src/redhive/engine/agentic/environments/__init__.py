"""Built-in environments. Each module registers an `EnvironmentKind` when imported; the list of
modules imported on first use lives in `redhive.engine.agentic.environment._BUILTIN_ENVIRONMENTS`."""
