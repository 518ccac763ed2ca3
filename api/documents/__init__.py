"""Documents of a file: the papers a commission decides on, the justificatifs an association keeps."""
