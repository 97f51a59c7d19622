"""Store backends: what they share (`base`) and the remote SPARQL server (`sparql`); the embedded one is `kg.store`."""
