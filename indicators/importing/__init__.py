"""Import of yearly values from CSV and XLSX files, shared by `importvalues`, the admin and `loadpublished`.

* ``reading`` turns the uploaded bytes into a table of cells (or refuses the file, saying why);
* ``columns`` recognises the header (long or wide layout, English and Vietnamese names);
* ``rows`` turns cells into typed candidate rows, deciding the file's decimal convention once;
* ``service`` validates every row against units, catalogue and existing values and writes all or nothing.
"""

from indicators.importing.reading import FileRefused
from indicators.importing.service import ImportReport, RowError, values_import

__all__ = ["FileRefused", "ImportReport", "RowError", "values_import"]
