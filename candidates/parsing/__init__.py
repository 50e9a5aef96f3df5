"""Document parsing: pure functions, no Django import.

`extract(data, filename)` turns a resume in any supported format into text, or raises
`ParseError(code, message)`. `archive.iter_zip_members` opens ZIPs safely,
`sandbox.extract_sandboxed` runs `extract` in a child process with time and memory caps, and
`profile.extract_profile` reads the structured fields out of the text.
"""

from .detect import detect_kind
from .document import Limits, ParsedDocument
from .errors import ParseError
from .extract import extract

__all__ = ["Limits", "ParseError", "ParsedDocument", "detect_kind", "extract"]
