"""DfE statutory returns: the rules and record shapes behind the CIN census (and later the 903).

Pure Python on purpose: no models, no views, no database. Casework services build a record in
DfE terms and ask these modules which DfE rule it would fail; the census validator will run the
same rule units over a whole return. Not a Django app.
"""
