"""One module per LSP feature; each exposes `register(server)`, called by `create_server()`."""
