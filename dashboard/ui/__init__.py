"""The dashboard's parts below the page: widgets, map layers, basemap, filters, tables, escaping."""
