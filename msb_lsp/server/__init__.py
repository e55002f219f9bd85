"""The LSP front end: a thin pygls layer over the engine (translation and wiring only)."""
