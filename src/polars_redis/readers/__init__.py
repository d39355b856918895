"""The scan_* / read_* readers, one module per Redis type, and the Polars IO source they share."""
