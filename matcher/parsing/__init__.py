"""Document parsing: pure functions, no Django import."""
