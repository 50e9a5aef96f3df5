"""Whether a piece of resume text is a job title, and the title cleaned for display.

A title names an occupation: it holds a word such as "developer", "nurse" or "dealer". Lines that
only sit where titles usually go (a company, a degree, a school, an address, a section heading,
a sentence of the summary) hold none, or carry a marker of what they are, and are refused. The
vocabulary is ours and deliberately broad across fields; it is checked against the hand-labelled
sample in `matcher/evaluation/data/identity_labels.csv`.

Pure: no Django import.
"""

from __future__ import annotations

import re


def _vocabulary(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Nouns that make a phrase an occupation. Compared lower-cased, word by word ("co-ordinator" and
# "front-end" keep their hyphen as one word).
OCCUPATIONS = _vocabulary(
    """
    developer developers engineer engineers programmer architect administrator admin analyst
    scientist researcher designer manager director officer executive president vice-president vp
    ceo cto cfo coo cio founder co-founder cofounder owner partner head chief lead leader
    supervisor coordinator co-ordinator specialist consultant advisor adviser associate
    assistant intern internship trainee apprentice technician technologist tester qa devops sre
    accountant auditor bookkeeper controller clerk cashier teller banker broker underwriter
    actuary economist paralegal lawyer attorney counsel solicitor barrister advocate notary
    librarian teacher tutor lecturer professor instructor trainer coach educator counselor
    counsellor nurse physician doctor surgeon dentist hygienist pharmacist therapist
    physiotherapist physio chiropractor paramedic midwife caregiver carer aide veterinarian
    psychologist chef cook baker bartender barista waiter waitress hostess dealer sales
    salesperson salesman representative agent recruiter generalist writer editor journalist
    reporter copywriter translator interpreter photographer videographer artist illustrator
    animator producer marketer planner buyer purchaser merchandiser storekeeper keeper driver
    courier operator mechanic electrician plumber carpenter welder machinist fitter foreman
    labourer laborer surveyor estimator inspector draftsman drafter pilot steward stewardess
    attendant guard receptionist secretary scheduler dispatcher investigator strategist
    evangelist freelancer contractor volunteer fellow postdoc superintendent principal dean
    registrar cashier-clerk handler picker packer loader installer maintainer repairer assembler
    custodian janitor housekeeper stylist cosmetologist tailor seamstress fundraiser organizer
    organiser ambassador commissioner hunter webmaster dba sdet
    """
) | _vocabulary(
    # The heads of O*NET 29.2's occupation, alternate and reported titles that the list above
    # lacked, for trades, care and science jobs ("Construction Worker", "Pharmacy Tech", "Food
    # Server"). Left out: heads that are everyday words in a resume ("member", "player", "model",
    # "host", "master", "employee", "vendor") or common surnames ("mason", "porter", "turner").
    """
    worker helper tech cleaner examiner adjuster appraiser collector fabricator practitioner
    expert chemist biologist geologist physicist interviewer preparer pathologist psychiatrist
    neurologist radiologist audiologist epidemiologist physiologist agronomist dietitian optician
    sonographer clinician trader distributor detective sergeant deputy curator archivist observer
    performer demonstrator caretaker ironworker reviewer navigator journeyman craftsman lineman
    wireman repairman roofer glazier plasterer upholsterer insulator transcriber typist referee
    stocker farmworker crewmember liaison coder modeler detailer hauler forester evaluator
    forecaster transporter interventionist methodologist server staff rep selector checker sorter
    creator builder setter authorizer
    """
)
# Words a title starts with; used to tell "LEONID SHALAEV FULL STACK DEVELOPER" apart.
TITLE_STARTS = _vocabulary(
    """
    senior sr junior jr lead principal staff chief head full fullstack full-stack front frontend
    front-end back backend back-end web mobile software java python javascript data devops qa it
    middle mid graduate assistant associate
    """
)
_COMPANY = re.compile(
    r"(?i)\b(?:company name|ltd|inc|llc|gmbh|plc|corp|corporation|s\.a\.|pvt|limited|bank)\b\.?"
)
_DEGREE = re.compile(
    r"(?i)\b(?:b\.?\s?sc|m\.?\s?sc|ph\.?\s?d|bachelor\w*|master'?s|masters|mba|b\.\s?e|b\.?\s?tech|"
    r"m\.?\s?tech|diploma|degree|gpa|graduated|secured|cgpa|semester|coursework|thesis)\b"
)
_SCHOOL = re.compile(r"(?i)\b(?:university|college|institute|faculty|academy|board)\b")
_SENTENCE = re.compile(
    r"(?i)(?:^|\s)(?:i|i'm|im|i've|my|we|our|am|was|were|have|has|looking|seeking|responsible|"
    r"years?|experience[ds]?|currently|duties|including)(?:\s|$)"
)
_ADDRESS = re.compile(r"(?i)\b(?:street|st\.|road|rd\.|avenue|ave\.|city|state|zip)\b")
# Where a headline stops being a title: "Android developer with 3 years experience",
# "Frontend Developer - 8 years", "Software engineer Updated: 20/06/2022", "... | phone".
_TAIL = re.compile(
    r"(?i)\s+(?:with|who|since|for|from)\s.*$|\s+[-\u2013\u2014]\s*\d.*$|\s*[|\t].*$"
    r"|\s+\(?\d+\+?\s*(?:years?|yrs?|y\.o\.).*$|\s*,\s*\d.*$|\s+\w+:.*$"
    r"|\s+(?:summary|profile|objective|about me)\b.*$"
)
_ACRONYMS = _vocabulary(
    """
    HR IT QA VP UX UI PR BPO AI ML CEO CTO CFO COO CIO SQL PHP AWS GS II III IV RN LPN CNA SEO
    ERP CRM SAP FP&A ITU HDU MSK SaaS B2B iOS DBA SRE NET
    """
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z'\-]*", text.lower())


def has_occupation(text: str) -> bool:
    words = _words(text)
    return any(w in OCCUPATIONS or w.rstrip("s") in OCCUPATIONS for w in words) or any(
        part in OCCUPATIONS for w in words for part in w.split("-") if "-" in w
    )


def is_employer(text: str) -> bool:
    """Whether `text` names an employer and no job: "Inetex Ltd", "Raiffeisen Bank Russia", not
    "Bank Teller"."""
    return bool(_COMPANY.search(text)) and not has_occupation(text)


def _display(title: str) -> str:
    """Shouted titles in title case, known acronyms kept."""
    letters = [ch for ch in title if ch.isalpha()]
    if not letters or sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
        return title
    out = []
    for word in title.split(" "):
        bare = word.strip("(),/.")
        if bare.upper() in {a.upper() for a in _ACRONYMS}:
            match = next(a for a in _ACRONYMS if a.upper() == bare.upper())
            out.append(word.replace(bare, match))
        else:
            out.append("-".join(p.capitalize() for p in word.lower().split("-")))
    return " ".join(out)


def job_title(raw: str, *, cut_tail: bool = True) -> str | None:
    """`raw` as a job title for display, or None when it is not one."""
    text = unmarked(" ".join(raw.replace("\u00a0", " ").split()))
    if cut_tail:
        text = _TAIL.sub("", text)
    text = re.sub(r"(?i)^(?:experienced|position|role|title|designation)\s*:?\s+", "", text)
    text = text.strip(" ,;:-|\u2013\u2014*\u2022.\"'\u201c\u201d")
    if not text or len(text) > 80 or len(text.split()) > 8:
        return None
    if not re.search(r"[^\W\d_]{2}", text) or "@" in text or "http" in text.lower():
        return None
    if re.search(r"\b(?:19|20)\d\d\b", text):  # a date left on the line
        return None
    if not has_occupation(text):
        return None
    if _COMPANY.search(text) or _DEGREE.search(text) or _ADDRESS.search(text):
        return None
    if _SCHOOL.search(text) and not re.search(r"(?i)\bteacher|instructor|lecturer", text):
        return None
    if _SENTENCE.search(text):
        return None
    if text.endswith(".") and len(text.split()) > 3:
        return None
    return _display(text)


# --- A title among other columns, and the rest of a sentence ----------------------------------

# A PDF's columns keep their gap as a run of spaces ("Team Member     Delivered friendly and
# prompt service"), and so does a date cut out of a line ("the year   occupied as Full Stack Java
# Developer"); a word processor's are tab stops ("Web Developer<tab>Naya Technologies").
_CELL_GAP = re.compile(r" *\t[ \t]*| {3,}")


def job_cell(text: str) -> str:
    """Of the cells a run of spaces or a tab divides `text` into, the first that names a job,
    else the first: the other columns hold a duty, a place, an employer or a date's neighbours,
    never the title."""
    cells = [c.strip() for c in _CELL_GAP.split(text) if c.strip()]
    if len(cells) < 2:
        return text.strip()
    return next((c for c in cells if has_occupation(c)), cells[0])


# What only continues a sentence, or opens one with where it happened: a line break inside a
# duty leaves its tail on a line of its own, where it can sit beside a job's dates ("with CHI)",
# "at least possible cost Supply Chain Management"), and a date cut out of "At Kirloskar
# Brothers in Pune since 2016 I led ..." leaves the place before it.
_CONTINUES = re.compile(
    r"(?:with|that|which|who|their|at|to|for|of|and|or|in|on|the|a|an|while|from)\b"
)
_WHERE = re.compile(r"(?:at|in|with|for|from|on|during|since|while)\b")
MAX_LOWER_TITLE_WORDS = 6


def is_run_on(text: str) -> bool:
    """Whether `text` is the rest of a sentence rather than a title: in lower case, it opens
    with a word that only continues one ("with CHI)") and names no job in its first four words,
    or runs past six words naming none; with a capital, it opens on where the work was ("At
    Kirloskar Brothers in Pune") and names no job at all. A title written in lower case
    ("administrative assistant", "kitchen Manager / Catering and events chef") is none."""
    words = text.split()
    if not words:
        return False
    first = words[0].rstrip(",.;:")
    if first[:1].islower():
        if _CONTINUES.fullmatch(first):
            return not has_occupation(" ".join(words[:4]))
        return len(words) > MAX_LOWER_TITLE_WORDS and not has_occupation(text)
    # With a capital, only a sentence that opens on where the work was and names no job at all.
    return bool(_WHERE.fullmatch(first.lower())) and not has_occupation(text)


# --- A job written as a sentence ---------------------------------------------------------------

# "Worked as a MSTR Administrator from 2015-2017", "Gained experience as an Insulation Worker for
# floor", "Held Position of Senior iOS Mobile Developer": the job after the last "as" (or
# "position of", "role of", "post of"), up to a word that opens what follows it, a stop, or the
# "experience" it was ("as a Metal Worker experience from ..."); a full stop inside a word
# ("ASP.NET") ends nothing. "such as", "as well as", "as of", "as part of" and "as needed" name
# no job.
_AS_JOB = re.compile(
    r"(?i)(?:(?<!\bsuch)\s+as|\s+(?:position|role|post)\s+of)\s+(?:an?\s+|the\s+)?"
    r"(?!(?:well|of|part|per|needed|required|such|follows|possible|usual)\b)"
    r"(?P<title>(?:[^\W\d_]|\.(?=\w))(?:(?!\s+as\s)[^,;:.()!?|]|\.(?=\w))*?)(?:\s+experience)?"
    r"(?=\s+(?:from|at|in|for|with|by|between|during|since|where|on|within|to|until|till)\b"
    r"|\s*(?:[,;:()!?|]|\.(?!\w))|\s*$)"
)
MAX_SENTENCE_LEAD_WORDS = 10
MAX_SENTENCE_TITLE_WORDS = 6
_DOING = re.compile(r"\s+(?:[a-z]+ly\s+)?(?=[a-z]+ing\b)")


def job_in_sentence(text: str) -> str | None:
    """The job a position's sentence names after "as", or None where `text` is no such
    sentence. What comes before "as" must name no job itself: in "Operations Manager, serving
    as liaison to the board" the title is the manager's."""
    # Only the head of the line can hold it (a lead of at most ten words, "as", a title of at
    # most six), and reading no further keeps a one-line resume of thousands of words cheap.
    text = " ".join(text.split()[: MAX_SENTENCE_LEAD_WORDS + 10])
    match = _AS_JOB.search(" " + text)
    if not match:
        return None
    lead = text[: max(match.start() - 1, 0)]
    title = match.group("title").strip()
    # "as a Materials Scientist  applying my critical thinking": a verb in lower case right
    # after the job starts what was done in it ("Security guards and gambling surveillance
    # officers", "Market research analyst and marketing specialist" are jobs).
    doing = _DOING.search(title)
    if doing and has_occupation(title[: doing.start()].split()[-1]):
        title = title[: doing.start()].strip()
    if len(title.split()) > MAX_SENTENCE_TITLE_WORDS:
        # "as Full Stack Java Developer \u2013 Web Services": a dash between spaces ends a long one.
        title = re.split(r"\s+[-\u2013\u2014]\s", title, maxsplit=1)[0]
    if has_occupation(lead) or len(lead.split()) > MAX_SENTENCE_LEAD_WORDS:
        return None
    if re.match(r"(?i)(?:and|or)\b", title) or len(title.split()) > MAX_SENTENCE_TITLE_WORDS:
        return None
    if not has_occupation(title):
        return None
    first = title.split()[0]
    return title[0].upper() + title[1:] if first.isalpha() and first.islower() else title


# --- A title among the words a list or a form puts around it ----------------------------------

# A list's marker before a title ("1) Java developer", "2. Sales Associate", "* Financial
# Specialist", "- [ ] SAP IBP Manager", a markdown heading's "#"); a number counts only when a
# space follows it, so "2.5", "1st Line Supervisor" and "#1 Sales Rep" keep theirs. Markdown's
# bold and italics ("**Name:**", "*Cook *") are the same kind of ink.
_MARKER = re.compile(
    r"^(?:[-*+>\u2022\u00b7\u25aa\u25cf\u25e6\u2013\u2014]+\s*|#+(?!\d)\s*|\(?\d{1,2}[.)]\s+"
    r"|\[\s*[xX]?\s*\])+\s*"
)
_EMPHASIS = re.compile(r"\*{2,}|_{2,}|\s\*$")


def unmarked(text: str) -> str:
    """`text` without the list marker or markdown emphasis around it."""
    return _MARKER.sub("", _EMPHASIS.sub("", text.strip()).strip())


# Labels of a form-like resume whose value is never a title: who the person is, how to reach them,
# when and for whom a job was ("Name: Riko Smith", "Email:", "Duration: 2013 - 2017", "Company:
# Buildright Inc"). Read as a title, "Name" stood for 1,586 of rjdb's 2,000 resumes.
_NAME_LABEL = r"(?:(?:full|first|last|given|family|candidate'?s?|first,? and last)\s+)?name|surname"
FIELD_LABEL = re.compile(
    rf"(?i){_NAME_LABEL}"
    r"|e-?mail(?: address)?|phone(?: number)?|telephone|tel|mobile|cell|whatsapp|telegram|skype"
    r"|contacts?(?: details| information| info)?|(?:home |postal |street )?address|location"
    r"|city|state|country|nationality|citizenship|date of birth|dob|birth ?date|age|gender|sex"
    r"|marital status|linkedin|github|website|portfolio|facebook|twitter|(?:career )?objective"
    r"|company(?: name)?|employer|organi[sz]ation|client|(?:job |time |employment )?duration"
    r"|(?:time )?period|term|tenure|time ?frame|experience|from|to|until|till"
    # A range's length beside it: "2015 - 2016 (1 year)", "(2 yrs 3 mos)".
    r"|\d+(?:\.\d+)?\+? ?(?:years?|yrs?|months?|mos?)(?: \d+ ?(?:months?|mos?))?"
    r"|dates?(?: employed| of employment)?|employment (?:dates|period)|years?(?: of service)?"
    r"|responsibilities|duties|achievements|references|availability|salary|notice period"
)
# Labels whose value is the title itself ("Role: Big Data Developer", "Job Title: ...").
TITLE_LABEL = re.compile(
    r"(?i)(?:(?:job|position|current|present|desired|target)\s+)?"
    r"(?:title|position|role|designation|occupation|profession)|job|post|headline"
)
# "Label: value", the colon not a clock's ("Shift 7:00"); a name's label also takes a dash
# ("Name - Reza Baluchi").
_COLON = re.compile(r"^(?P<label>[^:]{1,60}?)\s*(?<!\d):(?!\d)\s*(?P<value>.*)$")
_NAME_DASH = re.compile(rf"(?i)^(?:{_NAME_LABEL})\s+[-\u2013\u2014]\s")


def _label(text: str) -> tuple[str, str] | None:
    match = _COLON.match(text.strip())
    return (" ".join(match["label"].split()), match["value"]) if match else None


def labelled_title(text: str) -> str | None:
    """The value of a title's field ("Role: Big Data Developer"), None for any other line."""
    field = _label(text)
    return field[1] if field and TITLE_LABEL.fullmatch(field[0]) else None


def is_field_label(text: str) -> bool:
    """Whether `text` is only the labels of fields that hold no title ("Duration", "City ,
    State"): what a form or a template leaves beside a job's dates."""
    parts = [p for p in re.split(r"\s*[,:]\s*", text.strip()) if p]
    return bool(parts) and all(FIELD_LABEL.fullmatch(" ".join(p.split())) for p in parts)


def unlabelled(text: str) -> str | None:
    """`text` read past a form's label: a title label's value ("Role: Big Data Developer" reads
    "Big Data Developer"), None after any other field's label ("Name: Riko Smith"), else `text`
    as it is ("Quanta Labs: backend for a survey product")."""
    text = text.strip()
    field = _label(text)
    if field and TITLE_LABEL.fullmatch(field[0]):
        return field[1]
    if (field and FIELD_LABEL.fullmatch(field[0])) or _NAME_DASH.match(text):
        return None
    return text


# Where the first duty starts on a line that begins with the title, as column layouts and forms
# run them together: a colon ("Inside Sales Representative: Making sales calls"), a phrase that
# introduces duties ("Sushi Chef In charge of daily operation"), a capitalised verb in the
# past tense before a lower-case word ("Electrician Interpreted electrical schematics"), though
# not an adjective before "and" ("Night Shift Manager - Chilled and Ambient Distribution"), or
# "with a", "for a" and the like ("Senior Software Engineer with a focus on socket.io",
# "Equipment Repairer for a substantial time span").
_DUTY = re.compile(
    r"\s*(?<!\d):(?!\d)\s*|\s+(?i:in charge of|responsible for|responsibilities|duties)\b"
    r"|\s+(?=[A-Z][a-z]{2,}ed\s+(?!and\b|or\b)[a-z])"
    r"|\s+(?=(?:with|for)\s+an?\s)"
)
# A duty opens with a verb: "Helpdesk Support: Resolving client problems".
_VERB = re.compile(r"[A-Z][a-z]{2,}(?:ed|ing)\b")


def without_duties(text: str) -> str:
    """`text` up to the first duty run on after its title, when what is left names a job or,
    after a colon, what follows opens with a verb; else `text` as it is ("Quanta Labs: backend
    for a survey product")."""
    match = _DUTY.search(text)
    if not match:
        return text
    head, tail = text[: match.start()], text[match.end() :]
    if has_occupation(head) or (":" in match.group() and _VERB.match(tail)):
        return head.strip()
    return text
