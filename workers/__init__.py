"""Stream workers: the faust app, agents, routing, metrics, settings and the CLI."""
