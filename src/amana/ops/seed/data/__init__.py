"""The seed's word lists, read with `importlib.resources` (shipped by the package-data glob).

Name lists (`<origin>_<male|female|family>.txt`): names separated by ";" or a new line, each
name's spellings separated by "/", the most common first, and for Arabic names "=" and the name
in Arabic script. Tables (`*.csv`, with a header row): the protection concerns with their
weights, the nationalities and the camps with their weights.
"""
