"""Geography: the offline gazetteer (build and query) and the geopy-compatible geocoders."""
