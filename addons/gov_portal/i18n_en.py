EN = {}
