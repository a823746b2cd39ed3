"""Moving entries in and out of a casebook: spreadsheet-safe cells, flat files (CSV,
XLSX, JSONL), Frictionless data packages, merging another casebook's export, meet-up
write-ups, and the key-takeaways report."""
