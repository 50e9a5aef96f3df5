"""Reading evaluation corpora through the product's intake, once, with a cache under var/.

Parsing 2,484 PDFs and embedding them takes most of an hour on two shared cores; the evaluation
runs many times. Texts are cached by the file's SHA-256 and a hash of the parsing code (a parser
change re-reads every file); resume features (chunk vectors, titles, years, taxonomy mentions) by
the text's SHA-256, the model version and a hash of the taxonomy files and the profile reader.
Under both, every text the model reads (a masked resume, a title, a job ad, one of its lines) is
remembered by its own SHA-256, the model version and the chunking code: a change to the readers
re-reads every resume in a minute or two and sends the model only the texts it changed, where it
once sent all of them again (the cold rebuild took 10-15 minutes a round).
No Django import.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from candidates import parsing
from candidates.parsing import ParseError, extract
from candidates.parsing.document import written_date
from matcher import embeddings, lexical, ranking
from matcher.evaluation import levers
from matcher.evaluation.taxonomy import SKILLS_DIR, file_skill_matcher
from matcher.scoring import Mention
from roles.job_description import extract_job_profile

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = Path(os.environ.get("ROLEMATCH_EVAL_CACHE", str(ROOT / "var" / "eval-cache")))
FEATURE_BATCH = 64


def _hash_files(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# Readers of the extracted text, not of the file: a change to them re-reads the features
# (`taxonomy_key`), not the 2,484 PDFs.
_NOT_EXTRACTION = frozenset({"profile.py", "titles.py"})


@cache
def parser_key() -> str:
    code = Path(parsing.__file__).parent.glob("*.py")
    return _hash_files([p for p in code if p.name not in _NOT_EXTRACTION])


READER_FILES = (
    ROOT / "candidates" / "parsing" / "profile.py",
    ROOT / "candidates" / "parsing" / "titles.py",
    ROOT / "roles" / "words.py",
    ROOT / "roles" / "taxonomy.py",
    ROOT / "matcher" / "blind.py",
    ROOT / "matcher" / "chunking.py",
    ROOT / "matcher" / "ranking.py",
)


@cache
def taxonomy_key() -> str:
    # Features hold what `ranking.resume_features` reads (the profile's titles and years, the
    # masked text's chunks, the taxonomy's mentions), so a change to any of its readers must
    # re-read them: titles.py, then taxonomy.py, were once left out and a change went unmeasured.
    return _hash_files([*SKILLS_DIR.glob("*.tsv"), *READER_FILES])


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cache
def _embeddings_folder() -> Path:
    version = embeddings.model_version().replace("@", "-").replace("+", "-")
    code = [ROOT / "matcher" / "chunking.py", ROOT / "matcher" / "embeddings.py"]
    folder = CACHE_DIR / f"embeddings-{version}-{_hash_files(code)}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def embed_texts(texts: Sequence[str]) -> list[embeddings.EmbeddedText]:
    """`embeddings.embed_texts`, each text's result kept by its own hash; only the texts never
    seen go through the model, in one shared pass."""
    folder = _embeddings_folder()
    out: list[embeddings.EmbeddedText | None] = [None] * len(texts)
    missing: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        key = sha(text.encode("utf-8"))
        path = folder / key[:2] / f"{key}.pkl"
        if path.is_file():
            with path.open("rb") as handle:
                out[i] = pickle.load(handle)  # noqa: S301 - our own cache, written below
        else:
            missing.setdefault(key, []).append(i)
    if missing:
        firsts = [indices[0] for indices in missing.values()]
        made = embeddings.embed_texts([texts[i] for i in firsts])
        for (key, indices), result in zip(missing.items(), made, strict=True):
            path = folder / key[:2] / f"{key}.pkl"
            path.parent.mkdir(exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as handle:
                pickle.dump(result, handle)
            tmp.replace(path)
            for i in indices:
                out[i] = result
    return [e for e in out if e is not None]


def _parse_one(path: str) -> tuple[str, str | None, str, str | None]:
    """(file hash, text, the day the file says it was saved, reason it could not be read):
    runs in a worker process."""
    data = Path(path).read_bytes()
    try:
        parsed = extract(data, Path(path).name)
    except ParseError as exc:
        return sha(data), None, "", f"{exc.code}: {exc.message}"
    return sha(data), parsed.text, parsed.written, None


def _nice() -> None:
    os.nice(10)


def parse_files(
    paths: Sequence[Path], *, workers: int = 2, log: Callable[[str], None] = print
) -> list[tuple[str | None, str]]:
    """Each file's text as intake extracts it (None when intake refuses it) and the day the file
    says it was saved (`ParsedDocument.written`, "" when it says none), cached."""
    folder = CACHE_DIR / f"texts-{parser_key()}"
    folder.mkdir(parents=True, exist_ok=True)
    out: list[tuple[str | None, str]] = [(None, "")] * len(paths)
    todo: list[int] = []
    hashes = [sha(p.read_bytes()) for p in paths]
    for i, h in enumerate(hashes):
        cached = folder / f"{h}.json"
        if cached.is_file():
            stored = json.loads(cached.read_text(encoding="utf-8"))
            out[i] = (stored["text"], stored.get("written", ""))
        else:
            todo.append(i)
    if todo:
        log(f"parsing {len(todo)} files with {workers} processes (cache: {folder})")
        jobs = [str(paths[i]) for i in todo]
        if workers > 1 and len(jobs) > 4:
            with ProcessPoolExecutor(max_workers=workers, initializer=_nice) as pool:
                results = list(pool.map(_parse_one, jobs, chunksize=4))
        else:
            results = [_parse_one(j) for j in jobs]
        for i, (h, text, written, reason) in zip(todo, results, strict=True):
            (folder / f"{h}.json").write_text(
                json.dumps({"text": text, "written": written, "reason": reason}),
                encoding="utf-8",
            )
            out[i] = (text, written)
    return out


def _matcher_key(matcher: Any) -> str:
    # Mentions are stored by skill id, and a database's ids are not the files': a run on a
    # bootstrapped dev database must not read features written from the files, nor the reverse.
    if matcher is file_skill_matcher():
        return ""
    spellings = sorted(getattr(matcher, "spellings", {}).items())
    return "-" + hashlib.sha256(repr(spellings).encode("utf-8")).hexdigest()[:12]


def _features_folder(matcher: Any) -> Path:
    version = embeddings.model_version().replace("@", "-").replace("+", "-")
    folder = CACHE_DIR / f"features-{version}-{taxonomy_key()}{_matcher_key(matcher)}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pack(f: ranking.ResumeFeatures) -> dict[str, Any]:
    return {
        "vectors": f.vectors,
        "title_vectors": f.title_vectors,
        "titles": f.titles,
        "total_years": f.total_years,
        "mentions": {k: [(m.line_no, m.line) for m in v] for k, v in f.mentions.items()},
    }


def _unpack(text: str, data: dict[str, Any]) -> ranking.ResumeFeatures:
    terms = lexical.tokens(text)
    return ranking.ResumeFeatures(
        text=text,
        vectors=data["vectors"],
        mentions={k: [Mention(k, n, line) for n, line in v] for k, v in data["mentions"].items()},
        terms=Counter(terms),
        n_terms=len(terms),
        total_years=data["total_years"],
        title_vectors=data["title_vectors"],
        titles=data["titles"],
    )


def resume_features(
    texts: Sequence[str],
    matcher: Any,
    *,
    written: Sequence[str] | None = None,
    log: Callable[[str], None] = print,
) -> list[ranking.ResumeFeatures]:
    """`ranking.resume_features` of each text (profile, masking, embedding, taxonomy), cached.
    `written`: the day each file says it was saved ("" when none), which intake reads too."""
    folder = _features_folder(matcher)
    days = list(written) if written is not None else [""] * len(texts)
    # The day is part of the key: the same text saved on another day reads other years.
    keys = [
        sha(f"{text}\0{day}".encode() if day else text.encode())
        for text, day in zip(texts, days, strict=True)
    ]
    out: list[ranking.ResumeFeatures | None] = [None] * len(texts)
    todo: list[int] = []
    for i, text in enumerate(texts):
        cached = folder / f"{keys[i]}.pkl"
        if cached.is_file():
            with cached.open("rb") as handle:
                data = pickle.load(handle)  # noqa: S301 - our own cache, written below
            out[i] = _unpack(text, data)
        else:
            todo.append(i)
    if todo:
        log(f"embedding {len(todo)} resumes (cache: {folder})")
    for start in range(0, len(todo), FEATURE_BATCH):
        batch = todo[start : start + FEATURE_BATCH]
        made = ranking.resume_features(
            [texts[i] for i in batch],
            matcher,
            embed=embed_texts,
            written=[written_date(days[i]) for i in batch],
        )
        for i, features in zip(batch, made, strict=True):
            path = folder / f"{keys[i]}.pkl"
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as handle:
                pickle.dump(_pack(features), handle)
            tmp.replace(path)
            out[i] = features
    return [f for f in out if f is not None]


def roles_from_job_descriptions(
    texts: Sequence[str], matcher: Any, categories: Any = None
) -> list[levers.EvalRole]:
    """`ranking.role_from_job_description` of each text, its two vectors cached, with the
    candidate inputs' role side (`levers`)."""
    folder = _features_folder(matcher)
    out: list[levers.EvalRole] = []
    pending: list[tuple[int, str]] = []
    for text in texts:
        profile = extract_job_profile(text, matcher, title="", categories=categories)
        skills = [
            ranking.RoleSkillSpec(s.skill_id, s.name, s.weight, s.must_have, s.min_years)
            for s in profile.skills
        ]
        skills += ranking.listed_skills(text, matcher)
        key = sha(f"{profile.title}\n{text}".encode())
        path = folder / f"role-{key}.pkl"
        vectors = None
        if path.is_file():
            with path.open("rb") as handle:
                vectors = pickle.load(handle)  # noqa: S301 - our own cache, written above
        else:
            pending.append((len(out), str(path)))
        query = ranking.lexical.query_terms(text)
        out.append(
            levers.EvalRole(
                title=profile.title,
                text=text,
                skills=skills,
                # None only until the batch below fills in this role's vectors.
                vector=vectors["vector"] if vectors else None,  # type: ignore[arg-type]
                query=query,
                title_vector=vectors["title_vector"] if vectors else None,
                expanded_query=levers.expanded_query(
                    query, levers.skill_spellings(skills, matcher)
                ),
            )
        )
    # Every missing role's text and title go through the model in shared batches.
    for start in range(0, len(pending), FEATURE_BATCH):
        batch = pending[start : start + FEATURE_BATCH]
        flat = []
        for j, _ in batch:
            flat += [out[j].text, out[j].title.strip() or out[j].text[:80]]
        embedded = embed_texts(flat)
        for n, (j, target) in enumerate(batch):
            role = out[j]
            role.vector = embeddings.pooled(embedded[2 * n].vectors)
            title_emb = embedded[2 * n + 1].vectors
            role.title_vector = title_emb[0] if role.title.strip() and len(title_emb) else None
            with open(target, "wb") as handle:
                pickle.dump({"vector": role.vector, "title_vector": role.title_vector}, handle)
    _role_line_vectors(out, folder)
    _role_focus_vectors(out, folder)
    return out


def _role_focus_vectors(roles: Sequence[levers.EvalRole], folder: Path) -> None:
    """Each role's `levers.focus_text`, embedded (cached by its text)."""
    pending: list[tuple[levers.EvalRole, str, Path]] = []
    for role in roles:
        text = levers.focus_text(role.title, role.skills)
        if not text:
            continue
        path = folder / f"focus-{sha(text.encode())}.pkl"
        if path.is_file():
            with path.open("rb") as handle:
                role.focus_vector = pickle.load(handle)  # noqa: S301 - our own cache
        else:
            pending.append((role, text, path))
    embedded = embed_texts([text for _, text, _ in pending]) if pending else []
    for (role, _, path), emb in zip(pending, embedded, strict=True):
        role.focus_vector = embeddings.pooled(emb.vectors)
        with path.open("wb") as handle:
            pickle.dump(role.focus_vector, handle)


def _role_line_vectors(roles: Sequence[levers.EvalRole], folder: Path) -> None:
    """Each role's `levers.role_lines`, embedded one by one (cached by the lines' text)."""
    pending: list[tuple[levers.EvalRole, list[str], Path]] = []
    for role in roles:
        lines = levers.role_lines(role.text)
        path = folder / f"lines-{sha(chr(10).join(lines).encode())}.pkl"
        if path.is_file():
            with path.open("rb") as handle:
                role.line_vectors = pickle.load(handle)  # noqa: S301 - our own cache
        else:
            pending.append((role, lines, path))
    flat = [line for _, lines, _ in pending for line in lines]
    embedded = embed_texts(flat) if flat else []
    cursor = 0
    for role, lines, path in pending:
        block = embedded[cursor : cursor + len(lines)]
        cursor += len(lines)
        role.line_vectors = np.asarray(
            [embeddings.pooled(e.vectors) for e in block if len(e.vectors)], np.float32
        ).reshape(-1, embeddings.DIMENSIONS)
        with path.open("wb") as handle:
            pickle.dump(role.line_vectors, handle)
