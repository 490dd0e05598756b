"""Plain rows in, arrays out: what the scoring engine reads about firms and opportunities (no Django import).

The vocabulary is fitted on the curated corpus (technology areas' names, descriptions and keywords, plus the
opportunities' own text) with word 1-3-grams, so "beam director" and "rare earth" are terms of their own. Firms are
read through that vocabulary in their own words; nothing about a firm is fitted.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from matching import affinity
from matching.vocabulary import Vocabulary

SIZES: tuple[str, ...] = ("startup", "sme", "large")
PRESENCE: tuple[str, ...] = ("none", "partner", "office")
# Words that put a firm's technology in a defence or security setting. Firms that never use any of them, hold no
# defence certification and flag no export-controlled items are read as mostly civilian: their keyword evidence counts
# for less (issue 7: a farm-robot or consumer-app firm must score low everywhere).
DEFENCE_CONTEXT: tuple[str, ...] = tuple(
    (
        "defence|defense|military|army|navy|naval|air force|marine corps|marines|jsdf|adf|dod|darpa|dstg|atla|"
        "nato|aukus|pentagon|warfighter|warfighters|soldier|soldiers|battlefield|combat|tactical|weapon|weapons|"
        "munition|munitions|missile|missiles|interceptor|ordnance|warfare|adversary|adversaries|hostile|threat|"
        "threats|counter|sovereign|sovereignty|national security|security clearance|classified|itar|dsgl|ear99|"
        "export controlled|dual use|prime contractor|primes|isr|c4isr|c2|surveillance|reconnaissance|radar|sonar|"
        "jamming|ballistic|hypersonic|armour|armor|mission|government|security"
    ).split("|")
)
# Certificates (fixtures/certifications.yaml codes) that place a firm in defence: the IAQG 9100 family, the US and
# Japanese defence cyber standards, and every DISP level. ISO 9001/27001 and Japan's supplier qualification do not.
DEFENCE_CERTS: frozenset[str] = frozenset(
    {
        "as9100d",
        "en9100",
        "jisq9100",
        "nist-800-171",
        "cmmc-l1",
        "cmmc-l2",
        "cmmc-l3",
        "disp-entry",
        "disp-l1",
        "disp-l2",
        "disp-l3",
        "jp-defense-cybersecurity",
    }
)
# Affinity constants live in matching.affinity; these names stay importable from here for older callers.
EVIDENCE_SCALE = affinity.EVIDENCE_SCALE
DECLARED = affinity.TICKED
CIVILIAN_FLOOR = affinity.CIVILIAN_FLOOR
CONTEXT_SCALE = 1.2
STANDING_TIMING = 0.7
OPPORTUNITY_TERMS = 64  # an opportunity's text is compared through its 64 heaviest terms (keeps F @ O.T sparse)


@dataclass(frozen=True)
class AreaRow:
    """A technology area as the engine reads it."""

    slug: str
    name: str
    description: str
    keywords: Sequence[str]
    related: Sequence[str] = ()  # broader words of the field: in the area's profile, not its lexicon
    examples: Sequence[tuple[str, int]] = ()  # reference firms' descriptions with their grade: in the profile only


@dataclass(frozen=True)
class CertificationRow:
    """A certification and the codes that count as equivalent to it."""

    code: str
    name: str
    equivalents: Sequence[str] = ()


@dataclass(frozen=True)
class OpportunityRow:
    """A published opportunity with what it asks for and whom it admits."""

    pk: int
    slug: str
    title: str
    kind: str
    text: str
    areas: dict[str, float] = field(default_factory=dict)
    countries: Sequence[str] = ()
    sizes: Sequence[str] = ()
    min_trl: int | None = None
    presence: str = "none"
    certifications: Sequence[str] = ()
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    max_company_age: int | None = None  # years since founding, at most (start-up schemes)
    japanese_entity: bool = False  # open in practice to Japanese entities only (a firm in Japan or with an office)


@dataclass(frozen=True)
class CompanyRow:
    """A firm as the engine reads it: its own words, declared areas and the facts gates check."""

    pk: int
    slug: str
    name: str
    description: str
    country: str
    size: str
    trl: int | None = None
    presence: str = "none"
    areas: Sequence[str] = ()
    certifications: Sequence[str] = ()  # valid (unexpired) codes held
    export_controlled: bool = False
    # workspace (#14): area slug -> records of it the firm marked "wrong technology" (matching/feedback.py)
    marked_areas: dict[str, int] = field(default_factory=dict)
    founded: int | None = None  # year


@dataclass
class Corpus:
    """The fitted vocabulary and everything derived from areas and certifications, shared by every chunk."""

    areas: list[AreaRow]
    vocabulary: Vocabulary
    keyword_weights: sp.csr_matrix  # (V, n_areas): idf across areas x whole-keyword / part-of-keyword weight
    keyword_surface: dict[int, str]  # term index -> the keyword as the curators wrote it
    whole_keywords: list[frozenset[int]]  # per area, the term indices of its whole keywords
    context_terms: NDArray[np.int64]  # term indices of DEFENCE_CONTEXT words present in the vocabulary
    cert_class: dict[str, int]  # certification code -> equivalence class
    cert_names: dict[str, str]
    cert_members: list[list[str]]  # class -> codes in it
    profiles_t: sp.csc_matrix | None = None  # (V, n_areas) area profiles, tf-idf, L2-normalised, transposed

    @property
    def n_areas(self) -> int:
        return len(self.areas)


@dataclass
class FirmArrays:
    """One chunk of firms, row-aligned with `rows`."""

    rows: list[CompanyRow]
    text: sp.csr_matrix  # (n_f, V) tf-idf, L2-normalised
    evidence: NDArray[np.float32]  # (n_f, n_areas) idf-weighted keyword hits
    declared: NDArray[np.bool_]  # (n_f, n_areas) ticked by the firm
    affinity: NDArray[np.float32]  # (n_f, n_areas) in [0, 1]
    context: NDArray[np.float32]  # (n_f,) defence setting in [0, 1]
    country: NDArray[np.int32]
    size: NDArray[np.int8]
    trl: NDArray[np.int8]  # 0 = not stated
    presence: NDArray[np.int8]
    certs: NDArray[np.float32]  # (n_f, n_classes) 1 where a certification of that class is held
    age: NDArray[np.int16]  # years since founding, -1 when not stated
    japanese: NDArray[np.bool_]  # based in Japan or with an office there (passes "Japanese entity" rules)
    profile: NDArray[np.float32]  # (n_f, n_areas) cosine with each area's profile
    parts: NDArray[np.float32]  # (3, n_f, n_areas) the ticked, lexicon and profile features before mixing


@dataclass
class OpportunityArrays:
    """All scored opportunities, column-aligned with `rows`."""

    rows: list[OpportunityRow]
    text_t: sp.csc_matrix  # (V, n_o) tf-idf, L2-normalised, transposed for F @ O.T
    areas: NDArray[np.float32]  # (n_o, n_areas) raw weights 0-1
    countries: list[str]  # country table; firms from elsewhere use the last row of `country_ok`
    country_ok: NDArray[np.bool_]  # (len(countries) + 1, n_o)
    size_ok: NDArray[np.bool_]  # (3, n_o)
    min_trl: NDArray[np.int8]  # 0 = no minimum
    presence: NDArray[np.int8]
    required: NDArray[np.float32]  # (n_o, n_classes)
    timing: NDArray[np.float32]
    max_age: NDArray[np.int16]  # -1 = no age limit
    japanese_entity: NDArray[np.bool_]
    hub: NDArray[np.bool_]  # kind "hub": scored as a door to its topics (engine.door_fit)


def area_profile(area: AreaRow) -> str:
    """The text an area's lexicon is read from: name, description, every keyword and related term."""
    return "\n".join([area.name, area.description, *area.keywords, *area.related])


def build_corpus(
    areas: Sequence[AreaRow], opportunities: Sequence[OpportunityRow], certifications: Sequence[CertificationRow]
) -> Corpus:
    """Fit the vocabulary on areas and opportunities and derive the area keyword matrix and certificate classes."""
    # The context lexicon is a document of its own, so its words are in the vocabulary whatever the corpus says.
    lexicon = "\n".join(DEFENCE_CONTEXT)
    vocabulary = Vocabulary([area_profile(a) for a in areas] + [o.text for o in opportunities] + [lexicon])
    context = {f for term in DEFENCE_CONTEXT for f in vocabulary.phrase(term)}
    weights, surface, whole = affinity.lexicon_matrix(vocabulary, list(areas), context)
    cert_class, members = certification_classes(certifications)
    profiles = affinity.profile_matrix(vocabulary, affinity.profile_texts(list(areas), list(opportunities)))
    return Corpus(
        areas=list(areas),
        vocabulary=vocabulary,
        keyword_weights=weights,
        keyword_surface=surface,
        whole_keywords=whole,
        context_terms=np.array(sorted(context), dtype=np.int64),
        cert_class=cert_class,
        cert_names={c.code: c.name for c in certifications},
        cert_members=members,
        profiles_t=profiles,
    )


def certification_classes(certifications: Sequence[CertificationRow]) -> tuple[dict[str, int], list[list[str]]]:
    """Group certifications that count for each other (the transitive closure of `equivalents`)."""
    parent: dict[str, str] = {c.code: c.code for c in certifications}

    def find(code: str) -> str:
        while parent.setdefault(code, code) != code:
            parent[code] = parent[parent[code]]
            code = parent[code]
        return code

    for cert in certifications:
        for other in cert.equivalents:
            parent[find(other)] = find(cert.code)
    roots = sorted({find(code) for code in list(parent)})
    index = {root: i for i, root in enumerate(roots)}
    classes = {code: index[find(code)] for code in list(parent)}
    members: list[list[str]] = [[] for _ in roots]
    for code in sorted(classes):
        members[classes[code]].append(code)
    return classes, members


def firm_arrays(corpus: Corpus, companies: Sequence[CompanyRow], *, year: int | None = None) -> FirmArrays:
    """Read a chunk of firms through the corpus: text vectors, area features, affinity and gate facts."""
    rows = list(companies)
    text = corpus.vocabulary.transform([c.description for c in rows])
    present = text.copy()
    present.data[:] = 1.0
    evidence = np.asarray((present @ corpus.keyword_weights).todense(), dtype=np.float32)
    slug_index = {a.slug: i for i, a in enumerate(corpus.areas)}
    declared = np.zeros((len(rows), corpus.n_areas), dtype=np.bool_)
    for i, c in enumerate(rows):
        for slug in c.areas:
            if slug in slug_index:
                declared[i, slug_index[slug]] = True
    context = defence_context(corpus, present, rows)
    profile = _profile_cosine(corpus, text)
    mixed, parts = affinity.mix(declared, evidence, profile, affinity.trust_of(context, declared))
    n_classes = len(corpus.cert_members)
    certs = np.zeros((len(rows), n_classes), dtype=np.float32)
    for i, c in enumerate(rows):
        for code in c.certifications:
            if code in corpus.cert_class:
                certs[i, corpus.cert_class[code]] = 1.0
    this_year = year or datetime.date.today().year
    return FirmArrays(
        rows=rows,
        text=text,
        evidence=evidence,
        declared=declared,
        affinity=mixed,
        context=context,
        country=np.zeros(len(rows), dtype=np.int32),  # filled by align_countries
        size=np.array([SIZES.index(c.size) if c.size in SIZES else 1 for c in rows], dtype=np.int8),
        trl=np.array([c.trl or 0 for c in rows], dtype=np.int8),
        presence=np.array([PRESENCE.index(c.presence) if c.presence in PRESENCE else 0 for c in rows], dtype=np.int8),
        certs=certs,
        age=np.array([this_year - c.founded if c.founded else -1 for c in rows], dtype=np.int16),
        japanese=np.array([c.country == "JP" or c.presence == "office" for c in rows], dtype=np.bool_),
        profile=profile,
        parts=parts,
    )


def _profile_cosine(corpus: Corpus, text: sp.csr_matrix) -> NDArray[np.float32]:
    """(n_f, n_areas) cosine of each firm's words with each area's profile."""
    if corpus.profiles_t is None or text.shape[0] == 0:
        return np.zeros((text.shape[0], corpus.n_areas), dtype=np.float32)
    return np.asarray((text @ corpus.profiles_t).toarray(), dtype=np.float32)


def defence_context(corpus: Corpus, present: sp.csr_matrix, rows: Sequence[CompanyRow]) -> NDArray[np.float32]:
    """How far each firm places itself in defence or security: context words, defence certificates, export flags."""
    hits = np.asarray(present[:, corpus.context_terms].sum(axis=1), dtype=np.float32).ravel()
    flags = np.array(
        [float(c.export_controlled) + float(any(code in DEFENCE_CERTS for code in c.certifications)) for c in rows],
        dtype=np.float32,
    )
    return (1.0 - np.exp(-(hits + flags) / CONTEXT_SCALE)).astype(np.float32)


def opportunity_arrays(
    corpus: Corpus, opportunities: Sequence[OpportunityRow], *, today: datetime.date
) -> OpportunityArrays:
    """Turn the scored opportunities into the engine's column arrays."""
    rows = list(opportunities)
    text = top_terms(corpus.vocabulary.transform([o.text for o in rows]), OPPORTUNITY_TERMS)
    slug_index = {a.slug: i for i, a in enumerate(corpus.areas)}
    areas = np.zeros((len(rows), corpus.n_areas), dtype=np.float32)
    for j, o in enumerate(rows):
        for slug, weight in o.areas.items():
            if slug in slug_index:
                areas[j, slug_index[slug]] = weight
    countries = sorted({code for o in rows for code in o.countries})
    country_ok = np.ones((len(countries) + 1, len(rows)), dtype=np.bool_)
    for j, o in enumerate(rows):
        if o.countries:
            country_ok[:, j] = False
            for code in o.countries:
                country_ok[countries.index(code), j] = True
    size_ok = np.ones((len(SIZES), len(rows)), dtype=np.bool_)
    for j, o in enumerate(rows):
        if o.sizes:
            size_ok[:, j] = [s in o.sizes for s in SIZES]
    required = np.zeros((len(rows), len(corpus.cert_members)), dtype=np.float32)
    for j, o in enumerate(rows):
        for code in o.certifications:
            if code in corpus.cert_class:
                required[j, corpus.cert_class[code]] = 1.0
    return OpportunityArrays(
        rows=rows,
        text_t=text.T.tocsc(),
        areas=areas,
        countries=countries,
        country_ok=country_ok,
        size_ok=size_ok,
        min_trl=np.array([o.min_trl or 0 for o in rows], dtype=np.int8),
        presence=np.array([PRESENCE.index(o.presence) if o.presence in PRESENCE else 0 for o in rows], dtype=np.int8),
        required=required,
        timing=np.array([timing(o, today) for o in rows], dtype=np.float32),
        max_age=np.array([-1 if o.max_company_age is None else o.max_company_age for o in rows], dtype=np.int16),
        japanese_entity=np.array([o.japanese_entity for o in rows], dtype=np.bool_),
        hub=np.array([o.kind == "hub" for o in rows], dtype=np.bool_),
    )


def top_terms(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep each row's K heaviest entries and renormalise the row to unit length."""
    matrix = matrix.tocsr(copy=True)
    for r in range(matrix.shape[0]):
        lo, hi = matrix.indptr[r], matrix.indptr[r + 1]
        if hi - lo > k:
            row = matrix.data[lo:hi]
            row[np.argsort(row)[: hi - lo - k]] = 0.0
    matrix.eliminate_zeros()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix.data /= np.repeat(norms, np.diff(matrix.indptr)).astype(np.float32)
    return matrix


def align_countries(firms: FirmArrays, opportunities: OpportunityArrays) -> None:
    """Point each firm at its row of the opportunities' country table (the last row means "elsewhere")."""
    index = {code: i for i, code in enumerate(opportunities.countries)}
    other = len(opportunities.countries)
    firms.country = np.array([index.get(c.country, other) for c in firms.rows], dtype=np.int32)


def is_open(o: OpportunityRow, today: datetime.date) -> bool:
    """Calls still taking proposals and events not yet over; standing records are always open."""
    if o.kind == "call":
        return o.closes_on is None or o.closes_on >= today
    if o.kind == "event":
        last = o.ends_on or o.starts_on
        return last is None or last >= today
    return True


def timing(o: OpportunityRow, today: datetime.date) -> float:
    """1 for a call open now or an event within 60 days, less the further away; standing records STANDING_TIMING."""
    if not is_open(o, today):
        return 0.0
    if o.kind == "call":
        if o.opens_on is None or o.opens_on <= today:
            return 1.0
        return max(0.4, 0.9 - (o.opens_on - today).days / 365)
    if o.kind == "event":
        if o.starts_on is None:
            return STANDING_TIMING
        days = (o.starts_on - today).days
        return 1.0 if days <= 60 else max(0.4, 1.0 - (days - 60) / 365)
    return STANDING_TIMING
