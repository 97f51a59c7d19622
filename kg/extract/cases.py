"""From per-sentence event candidates to document events.

A press release tells one case over many sentences: the indictment, the plea and
the sentencing are one Lawsuit, and the smuggling scheme behind it is one
Smuggling event whose perpetrators are the case's defendants. Candidates are merged
when they share a party or when the sentence points back ("co-defendants", "the
same indictment", "the conspiracy"); court officers named anywhere in a one-case
document take part in that case.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from kg.extract.base import ResolvedMention
from kg.extract.context import Sentence, doc_text, is_within, sentences, unique
from kg.extract.flows import WEAPON_WORDS
from kg.extract.roles import court_body, is_court_officer
from kg.iris import entity_iri, local_iri, normalise_key
from kg.records import DocumentInfo, EntityRecord, RelationRecord, Span

_BACK_REFERENCE = re.compile(
    r"\bco-?(?:defendants?|conspirators?)\b|\bsame\b"
    r"|\b(?:the|this|that)\s+(?:conspiracy|scheme|case|indictment|ring|network|plot|lawsuit|suit|action)\b",
    re.I,
)
_CO_PARTY = re.compile(r"\bco-?(?:defendants?|conspirators?)\b", re.I)
_CONFIDENCE = {"defendant": 0.8, "plaintiff": 0.8, "perpetrator": 0.75, "occurredIn": 0.65}
_PARTY_ROLES = ("defendant", "plaintiff")
#: Who runs a programme whose sentence says no more than that they are there.
_AGENCIES = ("GovernmentBody", "Organization")
#: Events whose guns have makers (`weaponFrom`).
_ARMED_KINDS = ("Smuggling", "Seizure", "Attack")
#: Events that happen in one place (the guidelines give a case its court's town, a meeting or an
#: attack its venue): of the places their sentences suggest, the likeliest stands.
_ONE_PLACE_KINDS = ("Lawsuit", "Event", "Attack")


@dataclass(eq=False)
class Candidate:
    """One event trigger in one sentence, with the arguments found around it."""

    kind: str
    trigger: Token
    root: Token
    sentence: Sentence
    args: dict[str, list[ResolvedMention]]
    position: int
    name: str | None = None
    future: bool = False
    #: A trigger that only tells a case when other words in the document do too ("admitted").
    weak: bool = False
    date: str | None = None
    members: list[Candidate] = field(default_factory=list)
    lawsuit: Candidate | None = None

    def __post_init__(self) -> None:
        self.members = [self]

    def absorb(self, other: Candidate) -> None:
        for role, mentions in other.args.items():
            self.args.setdefault(role, []).extend(mentions)
        self.members.extend(other.members)
        self.weak = self.weak and other.weak

    def ids(self, *roles: str, types: tuple[str, ...] = ()) -> set[str]:
        return {
            m.entity.id
            for role in (roles or tuple(self.args))
            for m in self.args.get(role, [])
            if not types or m.entity.type in types
        }

    @property
    def named(self) -> bool:
        return any(self.args.values())

    def first_date(self) -> str | None:
        dated = sorted((m.position, m.trigger.i, m.date) for m in self.members if m.date and not m.future)
        return dated[0][2] if dated else None


def _co_parties(doc: Doc, mentions: list[ResolvedMention]) -> dict[str, str]:
    """People named together as co-defendants or co-conspirators belong to one case."""
    component: dict[str, str] = {}

    def find(key: str) -> str:
        while component.setdefault(key, key) != key:
            key = component[key]
        return key

    for sentence in sentences(doc, mentions):
        if _CO_PARTY.search(sentence.text):
            people = [find(m.entity.id) for m in sentence.of_types(["Person"])]
            for other in people[1:]:
                component[find(other)] = people[0]
    return {key: find(key) for key in component}


def _merge_lawsuits(lawsuits: list[Candidate], co_parties: dict[str, str], lede_end: int) -> list[Candidate]:
    """Cases sharing a party, or pointing back, are one. A lede that tells the case before naming
    anyone in it ("A local man admitted the charge ...") joins the first case named after it, and
    a lede that counts its parties ("sentenced three of the ring's members") is the one case all the
    named sentencings below belong to. The lede ends at character `lede_end`."""
    groups: list[Candidate] = []
    pending: list[Candidate] = []
    counted = False

    def case_keys(candidate: Candidate) -> set[str]:
        return {co_parties.get(key, key) for key in candidate.ids(*_PARTY_ROLES)}

    for candidate in lawsuits:
        if not candidate.named:
            if not groups and candidate.sentence.span.end_char <= lede_end:
                pending.append(candidate)
            continue
        parties = case_keys(candidate)
        if not parties:
            if groups:
                groups[-1].absorb(candidate)
            else:
                pending.append(candidate)
            continue
        target = next((g for g in groups if case_keys(g) & parties), None)
        if target is None and groups and _BACK_REFERENCE.search(candidate.sentence.text):
            target = groups[-1]
        if target is None:
            groups.append(candidate)
            counted = counted or (len(groups) == 1 and any(_counted_parties(early.trigger) for early in pending))
            for early in pending:
                candidate.absorb(early)
            pending = []
        else:
            target.absorb(candidate)
    if counted:
        for later in groups[1:]:
            groups[0].absorb(later)
        groups = groups[:1]
    return groups


def _counted_parties(trigger: Token) -> bool:
    """ "sentenced four members", "Two Texas Men Sentenced": the accused are counted, not named."""
    parties = [c for c in trigger.children if c.dep_ in ("dobj", "nsubj", "nsubjpass")]
    return any(p.tag_ == "NNS" and any(c.dep_ == "nummod" for c in p.children) for p in parties)


def _group_of(candidate: Candidate, groups: list[Candidate]) -> Candidate | None:
    return next((g for g in groups if any(candidate is m for m in g.members)), None)


def _same_guns(trigger: Token) -> bool:
    """ "The firearms were then smuggled ...", "transported them": the guns already talked about."""
    for child in trigger.children:
        if child.dep_ not in ("nsubj", "nsubjpass", "dobj"):
            continue
        if child.lower_ in ("them", "they"):
            return True
        definite = any(d.lower_ in ("the", "these", "those") for d in child.children if d.dep_ == "det")
        if definite and child.lemma_.lower() in WEAPON_WORDS:
            return True
    return False


def _merge_smuggling(schemes: list[Candidate], lawsuits: list[Candidate], text: str) -> list[Candidate]:
    """A scheme told in a court sentence is done by that case's defendants; schemes of one case merge.

    Two schemes known only by the cartel they supply are one scheme within a paragraph;
    across paragraphs ("First, ...", "Second, ...") they are separate cases.
    """

    def paragraph(candidate: Candidate) -> int:
        return text.count("\n\n", 0, candidate.sentence.span.start_char)

    groups: list[Candidate] = []
    for candidate in schemes:
        case = _group_of(candidate.lawsuit, lawsuits) if candidate.lawsuit else None
        candidate.lawsuit = case
        if case is not None:
            defendants = [m for m in case.args.get("defendant", []) if m.entity.type == "Person"]
            candidate.args.setdefault("perpetrator", []).extend(defendants)
        perpetrators = candidate.ids("perpetrator")
        receivers = candidate.ids("participant")
        target = groups[-1] if groups and not perpetrators and _same_guns(candidate.trigger) else None
        for group in [] if target else groups:
            known = group.ids("perpetrator")
            same_case = case is not None and group.lawsuit is case
            same_people = bool(perpetrators & known)
            anonymous = not perpetrators and not known and paragraph(candidate) != paragraph(group)
            same_receiver = (
                (not perpetrators or not known) and not anonymous and bool(receivers & group.ids("participant"))
            )
            if same_case or same_people or same_receiver:
                target = group
                break
        if target is None:
            groups.append(candidate)
        else:
            target.absorb(candidate)
            target.lawsuit = target.lawsuit or case
    groups = _fold_anonymous(groups, single_case=len(lawsuits) == 1)
    for group in groups:
        perpetrators = group.ids("perpetrator")
        group.args["participant"] = [m for m in group.args.get("participant", []) if m.entity.id not in perpetrators]
    return groups


def _fold_anonymous(groups: list[Candidate], *, single_case: bool) -> list[Candidate]:
    """A scheme told without its smugglers ("the rifles were smuggled to Mexico") retells a scheme of
    the document that shares a place or a receiver with it; in a release about one court case with
    one named scheme, it is that scheme. Told twice, one scheme would be two events."""
    kept: list[Candidate] = []
    named = [g for g in groups if g.ids("perpetrator")]
    for group in groups:
        if group.ids("perpetrator"):
            kept.append(group)
            continue
        where = group.ids("occurredIn", "participant")
        target = next((k for k in [*named, *kept] if k.ids("occurredIn", "participant") & where), None)
        if target is None and single_case and len(named) == 1:
            target = named[0]
        if target is None:
            kept.append(group)
        else:
            target.absorb(group)
    return [g for g in groups if any(g is k for k in kept)]


def _one_case_one_scheme(case: Candidate, schemes: list[Candidate]) -> list[Candidate]:
    """A release about one court case tells one scheme, however many sentences name its smugglers
    ("X pleaded guilty ... defendants Y and Z bought the pistols ... Y and Z drove them north");
    whoever smuggled in it is accused in the case, and the people accused smuggled in it, though the
    sentences that tell the scheme may not name them ("According to court documents, the rifles were
    smuggled into Mexico")."""
    named = [g for g in schemes if g.ids("perpetrator")]
    for other in named[1:]:
        named[0].absorb(other)
    kept = [g for g in schemes if not any(g is o for o in named[1:])]
    scheme = named[0] if named else kept[0] if len(kept) == 1 else None
    if scheme is None:
        return kept
    accused, smugglers = case.ids("defendant"), scheme.ids("perpetrator")
    case.args.setdefault("defendant", []).extend(
        m for m in scheme.args.get("perpetrator", []) if m.entity.type == "Person" and m.entity.id not in accused
    )
    scheme.args.setdefault("perpetrator", []).extend(
        m for m in case.args["defendant"] if m.entity.type == "Person" and m.entity.id not in smugglers
    )
    perpetrators = scheme.ids("perpetrator")
    scheme.args["participant"] = [m for m in scheme.args.get("participant", []) if m.entity.id not in perpetrators]
    return kept


def _merge_others(candidates: list[Candidate], headline_end: int) -> list[Candidate]:
    """Named programmes merge by name; one whose runner the syntax does not give is run by the
    agencies its sentences name, else by the acting body of the programme before it.

    A headline event is the story's main event told again: it joins the first body
    event of its type that shares a filler.
    """
    groups: list[Candidate] = []
    by_name: dict[str, Candidate] = {}
    headlines = [c for c in candidates if c.sentence.span.end_char <= headline_end and not c.name]
    for headline in headlines:
        body = next(
            (
                c
                for c in candidates
                if c.kind == headline.kind and c.sentence.span.start_char > headline_end and c.ids() & headline.ids()
            ),
            None,
        )
        if body is not None:
            body.absorb(headline)
            candidates = [c for c in candidates if c is not headline]
    for candidate in candidates:
        if candidate.name:
            known = by_name.get(candidate.name.lower())
            if known is not None:
                known.absorb(candidate)
                continue
            by_name[candidate.name.lower()] = candidate
        groups.append(candidate)
    previous: Candidate | None = None
    for group in groups:
        if group.name and not group.args.get("participant"):
            agencies = [m for member in group.members for m in member.sentence.of_types(_AGENCIES)]
            if not agencies and previous is not None:
                agencies = list(previous.args.get("participant", []))
            group.args["participant"] = agencies
        if group.name and group.args.get("participant"):
            previous = group
    return groups


def _makers_of_models(mentions: list[ResolvedMention]) -> dict[str, list[ResolvedMention]]:
    """Weapon models the text names with their maker somewhere ("Ruger Mini-14 rifles")."""
    makers = [m for m in mentions if m.entity.type == "Gunmaker"]
    found: dict[str, list[ResolvedMention]] = {}
    for model in (m for m in mentions if m.entity.type == "WeaponType"):
        for maker in makers:
            if maker.token_end == model.token_start or model.token_start <= maker.token_start < model.token_end:
                found.setdefault(model.entity.id, []).append(maker)
    return found


def _add_model_makers(group: Candidate, makers: dict[str, list[ResolvedMention]]) -> None:
    """ "Some of those rifles turned up later": the maker of a model named earlier made the guns."""
    models = {m.entity.id for member in group.members for m in member.sentence.of_types(["WeaponType"])}
    group.args.setdefault("weaponFrom", []).extend(m for model in sorted(models) for m in makers.get(model, []))


def _add_next_sentence_makers(group: Candidate, following: dict[int, Sentence]) -> None:
    """ "Agents seized 25 rifles. The rifles were made by Ruger.": the next sentence, when it
    speaks of the same guns, names their maker."""
    for member in group.members:
        nxt = following.get(member.position + 1)
        if nxt is not None and nxt.of_types(["Gunmaker"]) and _same_guns(nxt.span.root):
            group.args.setdefault("weaponFrom", []).extend(nxt.of_types(["Gunmaker"]))


def _add_document_makers(group: Candidate, mentions: Sequence[ResolvedMention]) -> None:
    """ "Agents found 31 rifles in the container. ... Most were Bushmaster and Barrett rifles": the
    guns a text tells of are those of the makers it names, wherever it names them, so an armed
    event that names its own fillers takes every maker of the document."""
    group.args.setdefault("weaponFrom", []).extend(m for m in mentions if m.entity.type == "Gunmaker")


def _one_place(group: Candidate) -> None:
    """The place most of the event's sentences give it; among equals, the surest of the first."""
    places = group.args.get("occurredIn", [])
    if len({m.entity.id for m in places}) > 1:
        counts = Counter(m.entity.id for m in places)
        group.args["occurredIn"] = [max(places, key=lambda m: counts[m.entity.id])]


def _add_flow_places(schemes: list[Candidate], flows: Sequence[RelationRecord], text: Iterable[Sentence]) -> None:
    """The places guns are said to move between are the scheme's places: a flow stated in one of a
    scheme's sentences belongs to that scheme, and in a document telling one scheme, every flow does
    ("they bought the pistols in Atlanta ... the pistols turned up in Kingston")."""
    if not schemes:
        return
    by_evidence = {(s.evidence.start, s.evidence.end): s for s in text}
    for flow in flows:
        sentence = by_evidence.get((flow.evidence.start, flow.evidence.end))
        if sentence is None:
            continue
        told = [g for g in schemes if any(m.sentence is sentence for m in g.members)]
        scheme = told[0] if told else schemes[0] if len(schemes) == 1 else None
        if scheme is None:
            continue
        ends = (flow.subject, flow.object)
        places = [m for m in sentence.mentions if m.entity.id in ends]
        scheme.args.setdefault("occurredIn", []).extend(places)


def _court_officers(doc: Doc, mentions: list[ResolvedMention]) -> list[ResolvedMention]:
    return [m for m in mentions if is_court_officer(doc, m, mentions)]


def _label(group: Candidate) -> str:
    """A short description built from the event's own fillers ("attack on Omar Garcia Harfuch")."""
    if group.name:
        return group.name
    names = {role: unique(m.entity.label for m in group.args.get(role, [])) for role in group.args}

    def listed(role: str, limit: int = 3) -> str:
        return ", ".join(names.get(role, [])[:limit])

    where = f" in {listed('occurredIn')}" if names.get("occurredIn") else ""
    if group.kind == "Lawsuit":
        against = listed("defendant") or "unnamed defendants"
        by = listed("plaintiff")
        return f"lawsuit by {by} against {against}" if by else f"case against {against}"
    if group.kind == "Smuggling":
        who = listed("perpetrator") or listed("participant", 2)
        return (
            "firearms smuggling"
            + (f" by {who}" if who else "")
            + (f" involving {listed('occurredIn')}" if where else "")
        )
    if group.kind == "Seizure":
        makers = listed("weaponFrom", 4)
        return "seizure of weapons" + (f" made by {makers}" if makers else "") + where
    if group.kind == "Attack":
        target, attacker = listed("target"), listed("perpetrator")
        return "attack" + (f" on {target}" if target else "") + (f" by {attacker}" if attacker else "") + where
    trigger = group.trigger
    if trigger.pos_ in ("NOUN", "PROPN"):
        left = [t for t in trigger.subtree if t.i <= trigger.i and t.dep_ not in ("det", "punct")]
        if len(left) <= 8:
            return " ".join(t.text for t in left) + where
    who = listed("participant")
    return (f"{who}: " if who else "") + trigger.lemma_.lower() + where


def event_key(
    kind: str, args: dict[str, set[str]], date: str | None, name: str | None = None
) -> tuple[str, ...] | None:
    """What makes two reports one event, or None when the report says too little to tell.

    A named programme is its name. A court case is its parties: its indictment, plea and sentencing
    come years apart, and the same parties rarely meet in two cases. A scheme is its perpetrators.
    Other events need their date to the month: a scheme known only by its cartel, a seizure or an
    attack by type, people and places, a meeting by its participants.
    """
    if name:
        return (kind, "name", normalise_key(name))
    if kind == "Lawsuit" and args.get("defendant"):
        return (kind, *sorted(args.get("plaintiff", ())), "v", *sorted(args["defendant"]))
    if kind == "Smuggling" and args.get("perpetrator"):
        return (kind, *sorted(args["perpetrator"]))
    month = date[:7] if date and len(date) >= 7 else None
    key_roles = {
        "Smuggling": ("participant", "occurredIn"),
        "Seizure": ("occurredIn", "weaponFrom"),
        "Attack": ("target", "perpetrator", "occurredIn"),
    }.get(kind, ("participant",))
    parties = [f"{role}={iri}" for role in key_roles for iri in sorted(args.get(role, ()))]
    if month is None or not parties:
        return None
    return (kind, month, *parties)


def _record(
    group: Candidate, info: DocumentInfo, all_sentences: Iterable[Sentence]
) -> tuple[EntityRecord, list[RelationRecord]]:
    first = min(group.members, key=lambda m: (m.position, m.trigger.i))
    args = {role: {m.entity.id for m in fillers} for role, fillers in group.args.items()}
    key = event_key(group.kind, args, group.first_date(), group.name)
    if key is None:
        event_id = local_iri(info.id, "event", group.kind, str(first.trigger.idx))
    else:
        event_id = entity_iri("event", f"{group.kind}-{hashlib.sha1(chr(31).join(key).encode()).hexdigest()[:16]}")
    mentions = [Span(m.trigger.idx, m.trigger.idx + len(m.trigger.text), m.trigger.text) for m in group.members]
    record = EntityRecord(event_id, _label(group), group.kind, sorted(set(mentions), key=lambda s: s.start))
    record.date = group.first_date()
    relations = []
    seen: set[tuple[str, str]] = set()
    for role, fillers in group.args.items():
        for mention in fillers:
            if (role, mention.entity.id) in seen or mention.entity.id == event_id:
                continue
            seen.add((role, mention.entity.id))
            evidence = next(
                (
                    sentence.evidence
                    for sentence in (*(m.sentence for m in group.members), *all_sentences)
                    if mention in sentence.mentions
                ),
                first.sentence.evidence,
            )
            relations.append(RelationRecord(event_id, role, mention.entity.id, _CONFIDENCE.get(role, 0.7), evidence))
    return record, relations


def build_events(
    doc: Doc,
    candidates: list[Candidate],
    mentions: list[ResolvedMention],
    info: DocumentInfo,
    *,
    dateline: ResolvedMention | None = None,
    flows: Sequence[RelationRecord] = (),
) -> tuple[list[EntityRecord], list[RelationRecord]]:
    """Merge candidates into events and emit each with its argument relations.

    A court case is placed at the release's dateline city, where the court that issues the release
    sits, unless its sentences place it in another town more often ("a Glendale man",
    "a resident of Guadalajara" say where the accused lives, not where the case is heard). In a
    release about one case with an accused, the courts it names ("Maidstone Crown Court") take part
    in the case as its judges and prosecutors do. A scheme's places include the ends of the
    document's `flows` (firearmsFlow relations) it tells.
    """
    lawsuits = [c for c in candidates if c.kind == "Lawsuit"]
    if all(c.weak for c in lawsuits):
        lawsuits = []
    schemes = [c for c in candidates if c.kind == "Smuggling"]
    for scheme in schemes:
        scheme.lawsuit = next(
            (c for c in lawsuits if c.sentence is scheme.sentence and is_within(scheme.trigger, c.root)), None
        )
    headline_end = doc_text(doc).find("\n\n")
    lede_end = doc_text(doc).find("\n\n", headline_end + 2) if headline_end >= 0 else -1
    cases = _merge_lawsuits(lawsuits, _co_parties(doc, mentions), lede_end if lede_end >= 0 else len(doc_text(doc)))
    if len(cases) == 1:
        parties = cases[0].ids(*_PARTY_ROLES)
        officers = [m for m in _court_officers(doc, mentions) if m.entity.id not in parties]
        if cases[0].ids("defendant"):
            officers += [m for m in mentions if court_body(m.entity)]
        cases[0].args.setdefault("participant", []).extend(officers)
    for case in cases:
        if dateline is not None:
            case.args["occurredIn"] = [dateline, *case.args.get("occurredIn", [])]
    schemes = _merge_smuggling(schemes, cases, doc_text(doc))
    if len(cases) == 1:
        schemes = _one_case_one_scheme(cases[0], schemes)
    groups = cases + schemes
    groups += _merge_others([c for c in candidates if c.kind not in ("Lawsuit", "Smuggling")], headline_end)
    makers = _makers_of_models(mentions)
    following = dict(enumerate(sentences(doc, mentions)))
    _add_flow_places([g for g in groups if g.kind == "Smuggling"], flows, following.values())
    entities, relations = [], []
    for group in groups:
        if group.kind in _ARMED_KINDS:
            _add_model_makers(group, makers)
            _add_next_sentence_makers(group, following)
        if not group.named:
            continue
        if group.kind in _ARMED_KINDS:
            _add_document_makers(group, mentions)
        if group.kind in _ONE_PLACE_KINDS:
            _one_place(group)
        record, args = _record(group, info, following.values())
        entities.append(record)
        relations.extend(args)
    return entities, relations
