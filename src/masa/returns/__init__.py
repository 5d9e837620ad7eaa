"""DfE statutory returns: the CIN census (``cin/``) and the SSDA903 (``ssda903/``), and Ofsted's
Annex A lists.

The rule units are pure Python (no models, no database): casework services build a record in DfE
terms and ask them which DfE rule it would fail, and the file validators run the same units over
a whole return. The app itself adds the returns pages (``/returns/``) and the management commands
(``validate903``, ``list903rules``, ``export_cin``, ``validate_cin``, ``annex_a``).
"""
