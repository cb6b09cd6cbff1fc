"""Downloads and uploads: export and import services over the pure readers and writers in
app.formats, the download page, and the `flask export` / `flask import` commands."""
