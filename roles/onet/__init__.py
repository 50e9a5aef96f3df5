"""O*NET import: `files` reads the tab-separated database (pure), `importer` writes draft roles."""
