"""The hand-written core of the demo dataset (scale 0): a small case shaped like the source case.

Everything here is invented. Phone numbers are Ofcom drama numbers (07700 900xxx, 0113 496 0xxx),
names and streets are made up, vehicle marks are synthetic. Rows are written as people write them:
mixed spellings of numbers, marks and postcodes, a few blank source ids, and a handful of bad rows
that a loader must quarantine. The truths these rows plant are stated in `planted.py`.

Cast (see planted.py for what each part is meant to test):
- Group 1+2 with broker A10: a taxi group (A1-A5: shared private-hire car, calls, family, seen
  together) and a house group (A6-A9: shared home, shared handset, a number in a seized handset,
  seen together), bridged by A10 (calls and an association into group 1, a call and a handset
  entry into group 2).
- Group 3 (A11-A14): association, a car kept by one and driven by another, texts.
- Group 4 (A15-A17): calls, family, a seized handset, seen together.
- Pair A18-A19: partners sharing a flat.
- Adults linked only to children or public places: A20-A29.
- Children C1-C8, three of them looked after at Elmcroft House (L1).
"""

from __future__ import annotations

from typing import Any

from graph_intel.schema.canonical import canonical_format

Row = dict[str, Any]

#: Each canonical file's columns, in the order the demo writes them (graph_intel/schema/canonical.yaml);
#: graph-intel's own additions (links.csv `basis`) are left out, as the demo's rows never use them.
COLUMNS: dict[str, list[str]] = canonical_format().columns(extensions=False)
FILES: list[str] = list(COLUMNS)

# ---------------------------------------------------------------------------------------------
# Phone numbers: every number is Ofcom drama range. Keyed by the last three digits of 07700 900xxx.
_SPELLINGS = (
    lambda d: f"07700 {d}",
    lambda d: f"+44 7700 {d}",
    lambda d: f"447700{d}",
    lambda d: f"(07700) {d[:3]}-{d[3:]}",
    lambda d: f"07700{d}",
    lambda d: f"07700 {d[:3]} {d[3:]}",
)


def phone(last3: int, style: int = 0) -> str:
    """A drama-range mobile 07700 900xxx in one of several everyday spellings."""
    return _SPELLINGS[style % len(_SPELLINGS)](f"900{last3:03d}")


PHONE_OF: dict[str, int] = {
    # children
    "C1": 101,
    "C2": 102,
    "C3": 103,
    "C4": 104,
    "C5": 105,
    "C6": 106,
    "C7": 107,
    "C8": 108,
    # adults (A7 and A8 share 900123; A10 also uses 900310)
    "A1": 201,
    "A2": 202,
    "A3": 203,
    "A4": 204,
    "A5": 205,
    "A6": 206,
    "A7": 123,
    "A8": 123,
    "A9": 209,
    "A10": 210,
    "A11": 211,
    "A12": 212,
    "A13": 213,
    "A14": 214,
    "A15": 215,
    "A16": 216,
    "A17": 217,
    "A18": 218,
    "A19": 219,
    "A20": 220,
    "A22": 222,
    "A26": 226,
    "A29": 229,
}
BROKER_SECOND_PHONE = 310
CHILD_NEW_PHONE = (
    135  # C5's second phone, first seen with her on 2 April 2011 (planted.CHILD_SIDE_PROMPTS)
)
UNATTRIBUTED_PHONE = 888  # calls C1; nobody is known to use it
TAXI_FIRM_LANDLINE = "0113 496 0512"  # Leeds drama range; saved in C1's handset as "Star Cars"

# Vehicles (synthetic marks). V1 is a private-hire car.
VRM = {
    "V1": "HX59 TXK",  # taxi: A1 and A2 drive it
    "V3": "AB12 CDE",  # A12 keeps it, A13 drives it
    "V4": "KM08 RLW",  # A16's car
    "V5": "BD57 NVO",  # A6's car
    "V6": "LS11 WOB",  # A26's car
    "V7": "YJ10 FZP",  # A18's car
}

# ---------------------------------------------------------------------------------------------
SOURCES: list[Row] = [
    dict(
        source_id="S1",
        agency="police",
        recorded_at="2009-03-02",
        reference="OP-KESTREL/LOG/0001",
        source_eval="2",
        intel_eval="B",
        handling="P",
        scheme="3x5x2",
    ),
    dict(
        source_id="S2",
        agency="police",
        recorded_at="2011-06-01",
        reference="TEL/CDR/0417",
        source_eval="1",
        intel_eval="A",
        handling="P",
        scheme="3x5x2",
    ),
    dict(
        source_id="S3",
        agency="children_social_care",
        recorded_at="2009-01-05",
        reference="CSC/CASE/5521",
        source_eval="2",
        intel_eval="B",
        handling="C",
        handling_note="share with the CSE hub only",
        scheme="3x5x2",
    ),
    dict(
        source_id="S4",
        agency="education",
        recorded_at="2010-10-05",
        reference="SCH/SAFEG/88",
        source_eval="1",
        intel_eval="B",
        handling="P",
        scheme="3x5x2",
    ),
    dict(
        source_id="S5",
        agency="health",
        recorded_at="2010-10-21",
        reference="SHC/REF/301",
        source_eval="2",
        intel_eval="C",
        handling="C",
        handling_note="consent to share recorded",
        scheme="3x5x2",
    ),
    dict(
        source_id="S6",
        agency="youth_offending",
        recorded_at="2011-02-28",
        reference="YOT/ASSET/72",
        source_eval="3",
        intel_eval="D",
        handling="P",
        scheme="3x5x2",
    ),
    dict(
        source_id="S7",
        agency="police",
        recorded_at="2009-04-10",
        reference="LEGACY/IMS/1999",
        source_eval="B",
        intel_eval="2",
        handling="1",
        scheme="5x5x5",
    ),
    dict(
        source_id="S8",
        agency="police",
        recorded_at="2011-06-15",
        reference="ANPR/EXPORT/12",
        source_eval="1",
        intel_eval="A",
        handling="P",
        scheme="3x5x2",
    ),
    dict(
        source_id="S9",
        agency="police",
        recorded_at="2010-06-20",
        reference="CHIS/0093",
        source_eval="3",
        intel_eval="E",
        handling="C",
        handling_note="informant material - do not disseminate",
        scheme="3x5x2",
    ),
    dict(
        source_id="S10",
        agency="police",
        recorded_at="2010-11-01",
        reference="DF/HANDSETS/7",
        source_eval="1",
        intel_eval="A",
        handling="P",
        scheme="3x5x2",
    ),
    dict(
        source_id="S11",
        agency="voluntary",
        recorded_at="2011-04-04",
        reference="YOUTH-PROJECT/CSE/12",
        source_eval="2",
        intel_eval="B",
        handling="P",
        scheme="3x5x2",
    ),
]


# ---------------------------------------------------------------------------------------------
def _child(
    pid: str,
    given: str,
    family: str,
    dob: str,
    status: str = "",
    looked_after: str = "",
    aliases: str = "",
) -> Row:
    return dict(
        person_id=pid,
        given_name=given,
        family_name=family,
        aliases=aliases,
        date_of_birth=dob,
        category="child",
        legal_status=status,
        looked_after=looked_after,
        source_id="S3",
    )


def _adult(
    pid: str,
    given: str,
    family: str,
    dob: str,
    category: str = "suspect",
    aliases: str = "",
    source: str = "S1",
) -> Row:
    return dict(
        person_id=pid,
        given_name=given,
        family_name=family,
        aliases=aliases,
        date_of_birth=dob,
        category=category,
        legal_status="",
        looked_after="",
        source_id=source,
    )


PERSONS: list[Row] = [
    _child("C1", "Jade", "Brackenfold", "1996-03-14", aliases="Jadey;JB"),  # under 16 throughout
    _child("C2", "Chloe", "Tarnwick", "1995-06-20"),  # 16 on 2011-06-20, no status
    _child("C3", "Leanne", "Mossendale", "1994-09-02", "care_order", "true"),
    _child("C4", "Shannon", "Feltrigg", "1994-11-11", "accommodated_s20", "true"),
    _child("C5", "Tia", "Copperwell", "1995-01-25", "police_protection"),  # looked_after derived
    _child("C6", "Mollie", "Lintmoor", "1997-08-05"),
    _child("C7", "Kirsty", "Hazelbrook", "1996-12-01"),
    _child("C8", "Sasha", "Quillhaven", "1998-02-10"),
    _adult("A1", "Darren", "Oakentree", "1979-04-02", aliases="Taxi Mo;Mo"),
    _adult("A2", "Wayne", "Rudderham", "1981-11-19"),
    _adult("A3", "Lee", "Vellacott", "1983-02-27"),
    _adult("A4", "Carl", "Vellacott", "1986-07-08"),
    _adult("A5", "Gary", "Thistlewood", "1975-01-30", source=""),
    _adult("A6", "Dean", "Morrowfield", "1972-05-05"),
    _adult("A7", "Jason", "Pellingham", "1984-09-14", aliases="Big Lad"),
    _adult("A8", "Stuart", "Quenby", "1988-12-01"),
    _adult("A9", "Neil", "Ashcombe-Vry", "1980-03-03"),
    _adult("A10", "Kyle", "Tazewell", "1985-10-10", aliases="Taz;Tazz"),
    _adult("A11", "Ryan", "Coldharbour", "1982-06-16"),
    _adult("A12", "Craig", "Mirefield", "1977-08-23"),
    _adult("A13", "Shaun", "Dapplegate", "1990-01-12", category="associate"),
    _adult("A14", "Paul", "Frostwick", "", category="associate", source=""),
    _adult("A15", "Tony", "Kestleman", "1978-02-14"),
    _adult("A16", "Keith", "Brindlecombe", "1976-04-04"),
    _adult("A17", "Lloyd", "Brindlecombe", "1987-09-09", aliases="Dee", category="associate"),
    _adult("A18", "Glen", "Sorrelby", "1980-12-24", category="associate"),
    _adult("A19", "Dawn", "Sorrelby", "1982-03-17", category="associate"),
    _adult("A20", "Barry", "Hollinspike", "1969-07-07"),
    _adult("A21", "Trevor", "Mallowdene", "1971-10-31", source="S6"),
    _adult("A22", "Ross", "Wintergill", "1984-04-18", category="unknown"),
    _adult("A23", "Owen", "Fennimore-Lax", "1979-08-01", category="unknown"),
    _adult("A24", "Dale", "Grimscote", "1983-05-29"),
    _adult("A25", "Scott", "Emberlow", "1986-02-02"),
    _adult("A26", "Martin", "Jollyfant", "1970-11-11", aliases="J;Uncle J"),
    _adult("A27", "Kevin", "Pargeter-Ness", "1974-06-06", category="associate"),
    _adult("A28", "Terry", "Ulverdale", "1968-09-19", category="associate"),
    _adult("A29", "Ricky", "Snowhallow", "", category="unknown", source="S7"),
    # bad row: no person_id (quarantine: missing required field)
    dict(
        person_id="",
        given_name="Unknown",
        family_name="male",
        aliases="",
        date_of_birth="",
        category="unknown",
        legal_status="",
        looked_after="",
        source_id="S1",
    ),
]

LOCATIONS: list[Row] = [
    dict(
        location_id="L1",
        name="Elmcroft House",
        kind="care_placement",
        address="3 Elmcroft Rise, Calderby",
        postcode="HX3 0QJ",
        latitude=53.7112,
        longitude=-1.8431,
        source_id="S3",
    ),
    dict(
        location_id="L2",
        name="Harbour Lights Hotel",
        kind="hotel",
        address="41 Quayside Mews, Calderby",
        postcode="HX1 5QE",
        latitude=53.7221,
        longitude=-1.8575,
        source_id="S1",
    ),
    dict(
        location_id="L3",
        name="Golden Fryer Takeaway",
        kind="takeaway",
        address="7 Cobbler's Wharf Road, Calderby",
        postcode="hx1 2bq",
        latitude=53.7198,
        longitude=-1.8602,
        source_id="S1",
    ),
    dict(
        location_id="L4",
        name="Calderby Moor High School",
        kind="school",
        address="Moorhen Lane, Calderby",
        postcode="HX2 7PL",
        latitude=53.7302,
        longitude=-1.8851,
        source_id="S4",
    ),
    dict(
        location_id="L5",
        name="C1 family home",
        kind="home",
        address="22 Pipistrelle Close",
        postcode="HX2 9DN",
        latitude=53.7333,
        longitude=-1.8912,
        source_id="S1",
    ),
    dict(
        location_id="L6",
        name="C7 family home",
        kind="home",
        address="8 Thimble Row",
        postcode="HX3 6RT",
        latitude=53.7051,
        longitude=-1.8355,
        source_id="S1",
    ),
    dict(
        location_id="L7",
        name="House on Ferrule Street",
        kind="home",
        address="14 Ferrule Street",
        postcode="hx1 1aa",
        latitude=53.7240,
        longitude=-1.8601,
        source_id="",
    ),
    dict(
        location_id="L8",
        name="Flat",
        kind="home",
        address="Flat 2, 90 Larkspur Terrace",
        postcode="HX1 4JW",
        latitude=53.7188,
        longitude=-1.8702,
        source_id="S1",
    ),
    dict(
        location_id="L9",
        name="Bramblewood Park",
        kind="park",
        address="Bramblewood Park",
        postcode="",
        latitude=53.7150,
        longitude=-1.8650,
        source_id="S1",
    ),
    dict(
        location_id="L10",
        name="Station Approach taxi rank",
        kind="street",
        address="Station Approach",
        postcode="HX1 1QF",
        latitude=53.7205,
        longitude=-1.8540,
        source_id="S1",
    ),
]

VEHICLES: list[Row] = [
    dict(
        vrm="HX59 TXK",
        make="Toyota",
        model="Avensis",
        colour="silver",
        private_hire_licence="PH 0412",
        source_id="S1",
    ),
    dict(
        vrm="ab12 cde",
        make="Vauxhall",
        model="Astra",
        colour="black",
        private_hire_licence="",
        source_id="S1",
    ),
    dict(
        vrm="KM08RLW",
        make="Ford",
        model="Focus",
        colour="blue",
        private_hire_licence="",
        source_id="",
    ),
    dict(
        vrm="BD57 NVO",
        make="BMW",
        model="3 Series",
        colour="white",
        private_hire_licence="",
        source_id="S1",
    ),
    dict(
        vrm="ls11 wob",
        make="Audi",
        model="A4",
        colour="grey",
        private_hire_licence="",
        source_id="S9",
    ),
    dict(
        vrm="YJ10 FZP",
        make="Volkswagen",
        model="Golf",
        colour="red",
        private_hire_licence="",
        source_id="S1",
    ),
]


# ---------------------------------------------------------------------------------------------
def _link(
    fk: str,
    fid: str,
    tk: str,
    tid: str,
    link: str,
    first: str = "",
    last: str = "",
    source: str = "S1",
) -> Row:
    return dict(
        from_kind=fk,
        from_id=fid,
        to_kind=tk,
        to_id=tid,
        link=link,
        first_seen=first,
        last_seen=last,
        source_id=source,
    )


def _phone_links() -> list[Row]:
    rows = []
    for i, (pid, last3) in enumerate(PHONE_OF.items()):
        source = "" if pid in {"A14", "A19"} else ("S3" if pid.startswith("C") else "S1")
        rows.append(_link("person", pid, "phone", phone(last3, i), "uses_phone", source=source))
    rows.append(
        _link(
            "person",
            "A10",
            "phone",
            phone(BROKER_SECOND_PHONE, 1),
            "uses_phone",
            "2010-01-01",
            "",
            "S2",
        )
    )
    return rows


LINKS: list[Row] = _phone_links() + [
    # group 1: the taxi
    _link("person", "A1", "vehicle", "HX59 TXK", "keeper_of", "2009-01-01"),
    _link("person", "A1", "vehicle", "hx59txk", "drives", "2009-01-01", "2011-06-24"),
    _link("person", "A2", "vehicle", "HX59TXK", "drives", "2009-03-01", "2011-06-24"),
    _link("person", "A3", "person", "A4", "family_of", source=""),
    _link("person", "A10", "person", "A1", "associate_of", "2009-06-01", source="S7"),
    _link("person", "A5", "person", "C1", "associate_of", "2009-05-01", "2009-12-31"),
    # C5 is found with a second phone on 2 April 2011 (a CSE indicator: new_phone)
    _link("person", "C5", "phone", phone(CHILD_NEW_PHONE, 2), "uses_phone", "2011-04-02", "", "S1"),
    # group 2: the house on Ferrule Street
    _link("person", "A6", "location", "L7", "lives_at", "2008-01-01"),
    _link("person", "A7", "location", "L7", "lives_at", "2009-02-01"),
    _link("person", "A6", "vehicle", "BD57NVO", "keeper_of"),
    # group 3
    _link("person", "A11", "person", "A12", "associate_of", "2009-09-01", source="S7"),
    _link("person", "A12", "vehicle", "ab12 cde", "keeper_of", "2009-01-01"),
    _link("person", "A13", "vehicle", "AB12CDE", "drives", "2010-01-01"),
    # group 4
    _link("person", "A16", "person", "A17", "family_of"),
    _link("person", "A16", "vehicle", "KM08 RLW", "keeper_of"),
    # the pair
    _link("person", "A18", "person", "A19", "partner_of", source=""),
    _link("person", "A18", "location", "L8", "lives_at"),
    _link("person", "A19", "location", "L8", "lives_at"),
    _link("person", "A18", "vehicle", "yj10 fzp", "keeper_of"),
    # adults who only share public places, or a child's home
    _link("person", "A22", "location", "L2", "frequents", "2010-01-01", "2010-12-31"),
    _link("person", "A23", "location", "L2", "frequents", "2010-03-01", "2011-03-01"),
    _link("person", "A22", "location", "L3", "frequents"),
    _link("person", "A23", "location", "L3", "frequents"),
    _link("person", "A26", "location", "L3", "frequents"),
    _link("person", "A26", "vehicle", "LS11WOB", "keeper_of", source="S9"),
    _link("person", "A27", "location", "L6", "lives_at"),
    _link("person", "A28", "location", "L6", "lives_at"),
    # children: homes, the care placement, introductions
    _link("person", "C1", "location", "L5", "lives_at"),
    _link("person", "C7", "location", "L6", "lives_at"),
    _link("person", "C3", "location", "L1", "lives_at", "2009-01-05", source="S3"),
    _link("person", "C4", "location", "L1", "lives_at", "2009-01-05", source="S3"),
    _link("person", "C5", "location", "L1", "lives_at", "2009-01-05", source="S3"),
    _link("person", "C1", "person", "C2", "introduced", "2009-06-20"),
    _link("person", "C2", "person", "C8", "introduced", "2010-03-01"),
    _link("person", "C3", "person", "C5", "introduced", "2010-01-15"),
    # bad row: unknown link kind (quarantine)
    _link("person", "A27", "person", "A28", "knows_of"),
]


# ---------------------------------------------------------------------------------------------
EVENTS: list[Row] = []
PARTICIPANTS: list[Row] = []


def _event(
    eid: str,
    kind: str,
    start: str,
    end: str = "",
    location: str = "",
    summary: str = "",
    source: str = "S1",
    parts: tuple[tuple[str, str, str], ...] = (),
) -> None:
    EVENTS.append(
        dict(
            event_id=eid,
            kind=kind,
            start=start,
            end=end,
            location_id=location,
            summary=summary,
            source_id=source,
        )
    )
    for kind_, id_, role in parts:
        PARTICIPANTS.append(dict(event_id=eid, kind=kind_, id=id_, role=role, source_id=source))


def _p(pid: str, role: str = "with") -> tuple[str, str, str]:
    return ("person", pid, role)


# sightings at the hotel (L2) and the takeaway (L3), mostly evenings and weekends
_event(
    "E1",
    "sighting",
    "2009-05-16T21:30:00",
    location="L2",
    summary="C1 seen in hotel bar with two older males",
    parts=(_p("C1", "subject"), _p("A4"), _p("A5")),
)
_event(
    "E2",
    "sighting",
    "2009-07-04T22:10:00",
    location="L2",
    summary="C1 seen entering hotel with two males",
    parts=(_p("C1", "subject"), _p("A6"), _p("A9")),
)
_event(
    "E3",
    "sighting",
    "2009-10-10T20:45:00",
    location="L3",
    summary="C1 and C6 in takeaway with male known as J",
    parts=(_p("C1", "subject"), _p("C6", "subject"), _p("A26")),
)
_event(
    "E4",
    "sighting",
    "2010-02-13T23:05:00",
    location="L2",
    summary="C3 and C5 in hotel car park with two males",
    parts=(_p("C3", "subject"), _p("C5", "subject"), _p("A11"), _p("A12")),
)
_event(
    "E5",
    "sighting",
    "2010-03-19T19:40:00",
    location="L3",
    summary="C2 and C8 in takeaway with two males",
    parts=(_p("C2", "subject"), _p("C8", "subject"), _p("A15"), _p("A16")),
)
_event(
    "E6",
    "sighting",
    "2010-08-14T22:30:00",
    location="L2",
    summary="C4 seen at hotel reception with male",
    parts=(_p("C4", "subject"), _p("A24")),
)
_event(
    "E7",
    "sighting",
    "2010-09-03T21:15:00",
    location="L2",
    summary="C4 seen leaving hotel with a different male",
    parts=(_p("C4", "subject"), _p("A25")),
)
_event(
    "E8",
    "sighting",
    "2010-10-22T20:00:00",
    location="L3",
    summary="C3 at takeaway with male known as J",
    parts=(_p("C3", "subject"), _p("A26")),
)
_event(
    "E9",
    "sighting",
    "2011-02-11T22:40:00",
    location="L3",
    summary="C1 with A26 at takeaway after CAWN served",
    parts=(_p("C1", "subject"), _p("A26")),
)
_event(
    "E10",
    "sighting",
    "2010-06-05T21:00:00",
    location="L2",
    summary="C2 in hotel bar with older male",
    parts=(_p("C2", "subject"), _p("A21")),
)
_event(
    "E11",
    "sighting",
    "2011-04-16T23:30:00",
    location="L2",
    summary="C6 seen at hotel with male",
    parts=(_p("C6", "subject"), _p("A11")),
)
# vehicle pickups
_event(
    "E12",
    "sighting",
    "2009-06-12T16:20:00",
    location="L4",
    summary="C1 collected from school gates by private hire car",
    parts=(_p("C1", "passenger"), ("vehicle", "HX59 TXK", "with"), _p("A1", "driver")),
)
_event(
    "E13",
    "sighting",
    "2009-11-20T23:50:00",
    location="L10",
    summary="C1 seen getting into taxi hx59txk, driver not seen",
    parts=(_p("C1", "passenger"), ("vehicle", "hx59txk", "with")),
)
_event(
    "E14",
    "sighting",
    "2011-05-20T22:15:00",
    location="L1",
    summary="C3 picked up outside Elmcroft House in black Astra",
    parts=(_p("C3", "passenger"), ("vehicle", "AB12CDE", "with")),
)
# other agencies' concerns, referrals, meetings
_event(
    "E15",
    "incident",
    "2010-10-05T15:30:00",
    location="L4",
    source="S4",
    summary="C7 seen getting into a car with an older male after school; not identified",
    parts=(_p("C7", "subject"),),
)
_event(
    "E16",
    "incident",
    "2010-10-21T11:00:00",
    source="S5",
    summary="C7 attended sexual health clinic; disclosed an older boyfriend",
    parts=(_p("C7", "subject"),),
)
_event(
    "E17",
    "incident",
    "2011-02-14T10:00:00",
    location="L4",
    source="S4",
    summary="C8 found with new phone and gifts; would not say who from",
    parts=(_p("C8", "subject"),),
)
_event(
    "E18",
    "incident",
    "2011-02-28T14:00:00",
    source="S6",
    summary="C8 disclosed being driven around by older males",
    parts=(_p("C8", "subject"),),
)
_event(
    "E19",
    "referral",
    "2011-03-04T09:30:00",
    source="S3",
    summary="Referral to CSE hub for C8",
    parts=(_p("C8", "subject"),),
)
_event(
    "E20",
    "strategy_meeting",
    "2011-02-14T13:00:00",
    location="L1",
    source="S3",
    summary="Strategy meeting after C3 missing 7-10 Feb",
    parts=(_p("C3", "subject"),),
)
# notices
_event(
    "E21",
    "cawn_served",
    "2010-11-15T18:00:00",
    summary="CAWN served on A26 in respect of C1",
    parts=(_p("A26", "served_on"), _p("C1", "child")),
)
_event(
    "E22",
    "cawn_served",
    "2011-03-01T17:30:00",
    summary="CAWN served on A3 in respect of C2",
    parts=(_p("A3", "served_on"), _p("C2", "child")),
)
_event(
    "E23",
    "cawn_served",
    "2011-04-04T19:00:00",
    summary="CAWN served on A12 in respect of C3",
    parts=(_p("A12", "served_on"), _p("C3", "child")),
)
_event("E24", "arrest", "2011-06-24T07:00:00", summary="A1 arrested", parts=(_p("A1", "subject"),))

# missing episodes (police)
_MISSING: list[tuple[str, str, str]] = [
    ("C1", "2009-08-21T22:00:00", "2009-08-22T11:00:00"),
    ("C1", "2010-03-05T20:00:00", "2010-03-06T09:30:00"),
    ("C1", "2011-07-06T21:00:00", ""),  # still running
    ("C2", "2010-11-12T19:00:00", "2010-11-13T14:00:00"),
    ("C3", "2010-07-17T23:00:00", "2010-07-18T10:00:00"),
    ("C3", "2011-02-07T08:00:00", "2011-02-10T12:00:00"),  # 76 working hours
    ("C4", "2010-04-30T08:00:00", "2010-05-06T06:00:00"),  # 70 working h (94 if May Day counted)
    ("C5", "2011-03-03T19:00:00", "2011-03-04T08:00:00"),
    ("C5", "2011-03-10T21:00:00", "2011-03-11T07:00:00"),
    ("C5", "2011-03-19T18:00:00", "2011-03-20T12:00:00"),
    ("C5", "2011-03-30T20:00:00", "2011-03-31T09:00:00"),
    ("C6", "2010-09-01T20:00:00", "2010-09-02T08:00:00"),
    ("C6", "2010-09-13T21:00:00", "2010-09-14T07:30:00"),
    ("C6", "2010-09-25T19:00:00", "2010-09-26T10:00:00"),
    ("C6", "2010-10-07T20:30:00", "2010-10-08T06:00:00"),
    ("C6", "2010-10-19T22:00:00", "2010-10-20T09:00:00"),
    ("C6", "2010-10-31T21:00:00", "2010-11-01T08:00:00"),
    ("C8", "2011-01-10T21:00:00", "2011-01-11T09:00:00"),
    ("C8", "2011-01-17T20:00:00", "2011-01-18T08:00:00"),
    ("C8", "2011-01-31T22:00:00", "2011-02-01T07:00:00"),
    ("C8", "2011-02-11T21:00:00", "2011-02-12T10:00:00"),  # 1 month + 1 day after the first
    ("C8", "2011-05-09T10:00:00", "2011-05-12T09:00:00"),  # 71 working hours
]
for _i, (_c, _s, _e) in enumerate(_MISSING, start=30):
    _event(
        f"E{_i}",
        "missing_episode",
        _s,
        _e,
        summary=f"{_c} reported missing",
        parts=(_p(_c, "subject"),),
    )
# C7 went missing with C5 on 19 March 2011: one episode names both (going missing together)
PARTICIPANTS.append(dict(event_id="E39", kind="person", id="C7", role="subject", source_id="S1"))
# bad row: impossible date (quarantine)
_event("E99", "incident", "31/02/2011", summary="date as written on a paper log")


# ---------------------------------------------------------------------------------------------
def _call(
    a: str | int,
    b: str | int,
    start: str,
    dur: str | int,
    typ: str = "voice",
    source: str = "S2",
    style: int = 0,
) -> Row:
    def num(x: str | int, s: int) -> str:
        return phone(PHONE_OF[x] if isinstance(x, str) else x, s)

    return dict(
        caller=num(a, style),
        callee=num(b, style + 1),
        start=start,
        duration_s=str(dur),
        type=typ,
        source_id=source,
    )


CALLS: list[Row] = [
    _call("A2", "A3", "2009-06-01T18:05:00", 124, style=0),
    _call("A3", "A2", "2009-06-03T09:12:00", 0, "sms", style=1),
    _call("A2", "A3", "2009-09-12T20:40:00", 61, style=2),
    _call("A10", "A5", "2009-08-14T23:15:00", 47, style=3),
    _call("A5", "A10", "2010-01-22T22:01:00", 0, "sms", style=4),
    _call(BROKER_SECOND_PHONE, "A6", "2010-02-02T21:30:00", 210, style=5),
    _call("A13", "A14", "2010-04-11T19:55:00", 0, "sms", style=0),
    _call("A14", "A13", "2010-04-12T08:02:00", 33, style=2),
    _call("A15", "A16", "2010-03-18T17:45:00", 95, style=1),
    _call("A16", "A15", "2010-03-19T19:20:00", 0, "sms", source="", style=3),
    _call("A18", "A19", "2010-07-01T12:00:00", 300, style=4),
    _call("A20", "C1", "2010-06-11T23:10:00", 35, style=0),
    _call("A20", "C1", "2010-06-14T22:47:00", 0, "sms", style=2),
    _call("A26", "C1", "2010-05-02T21:00:00", 180, style=1),
    _call("A26", "C1", "2010-12-03T22:14:00", 240, style=3),  # after the notice: breach
    _call("C1", "A26", "2011-01-09T23:02:00", 0, "sms", style=5),  # after the notice: breach
    _call("A3", "C2", "2010-12-18T20:31:00", 0, "sms", style=0),
    _call("C2", "A3", "2011-01-22T21:10:00", 75, style=1),
    _call("A3", "C2", "2011-02-20T22:45:00", 140, "voice", style=2),  # all before its notice
    _call("A12", "C3", "2011-03-20T19:45:00", 62, style=4),  # before its notice
    _call("A15", "C5", "2010-11-05T20:20:00", 55, style=3),
    _call(UNATTRIBUTED_PHONE, "C1", "2011-06-30T23:59:00", 0, "sms", style=0),
    _call("C1", "C2", "2010-01-05T16:00:00", 0, "sms", style=2),
    # bad row: duration as a sentence (quarantine)
    _call("A2", "A3", "2010-03-03T19:00:00", "about 5 mins", style=0),
]


# ---------------------------------------------------------------------------------------------
def _read(
    vrm: str, at: str, cam: str, lat: float, lon: float, direction: str = "N", source: str = "S8"
) -> Row:
    return dict(
        vrm=vrm,
        seen_at=at,
        camera_id=cam,
        latitude=lat,
        longitude=lon,
        location_id="",
        direction=direction,
        source_id=source,
    )


_CAM1 = ("CAM-A629-03", 53.7251, -1.8560)
_CAM2 = ("CAM-M62-J24", 53.6890, -1.8210)
_CAM3 = ("CAM-A58-11", 53.7160, -1.8420)
ANPR: list[Row] = [
    # V1 (taxi) and V4 within 10 minutes at the same camera on three separate nights
    _read("HX59 TXK", "2010-09-10T22:01:00", *_CAM1),
    _read("KM08 RLW", "2010-09-10T22:06:00", *_CAM1),
    _read("hx59txk", "2010-10-01T21:40:00", *_CAM1),
    _read("km08rlw", "2010-10-01T21:47:00", *_CAM1),
    _read("KM08RLW", "2010-11-12T23:12:00", *_CAM1, direction="S"),
    _read("HX59TXK", "2010-11-12T23:15:00", *_CAM1, direction="S"),
    # the same two, same camera, 30 minutes apart: not together
    _read("HX59 TXK", "2010-12-01T20:00:00", *_CAM3),
    _read("KM08 RLW", "2010-12-01T20:30:00", *_CAM3),
    # V3 and V5 together only once; later the same camera 45 minutes apart
    _read("AB12 CDE", "2011-01-15T20:02:00", *_CAM2),
    _read("BD57NVO", "2011-01-15T20:09:00", *_CAM2),
    _read("ab12cde", "2011-02-15T20:00:00", *_CAM2, direction="E"),
    _read("BD57 NVO", "2011-02-15T20:45:00", *_CAM2, direction="E"),
    # lone reads
    _read("LS11 WOB", "2011-02-11T22:20:00", *_CAM3),
    _read("YJ10FZP", "2010-07-01T11:40:00", *_CAM2, source=""),
]


# ---------------------------------------------------------------------------------------------
def _saved(handset: str, exhibit: str, name: str, number: str, source: str = "S10") -> Row:
    return dict(
        handset=handset,
        exhibit_ref=exhibit,
        contact_name=name,
        contact_number=number,
        source_id=source,
    )


HANDSET_CONTACTS: list[Row] = [
    # JB/1: A9's handset
    _saved(phone(209, 0), "JB/1", "Big Lad", phone(123, 3)),
    _saved(phone(209, 0), "JB/1", "Taz", phone(210, 1)),
    # KM/3: A15's handset
    _saved(phone(215, 4), "KM/3", "Dee", phone(217, 0)),
    _saved(phone(215, 4), "KM/3", "Cuz", phone(216, 2)),
    # SW/2: C1's handset
    _saved(phone(101, 1), "SW/2", "Taxi Mo", phone(201, 0)),
    _saved(phone(101, 1), "SW/2", "Tazz", phone(210, 5)),
    _saved(phone(101, 1), "SW/2", "J", phone(226, 2)),
    _saved(phone(101, 1), "SW/2", "Star Cars", TAXI_FIRM_LANDLINE),
    # SW/4: C3's handset
    _saved(phone(103, 0), "SW/4", "Uncle J", phone(226, 3)),
    _saved(phone(103, 0), "SW/4", "Shan bestie", phone(104, 1)),
    # DC/7: a handset found in a car, owner unknown
    _saved("", "DC/7", "Ste", phone(219, 0), source=""),
]

INTEL_REPORTS: list[Row] = [
    dict(
        report_id="R1",
        recorded_at="2009-09-02",
        subject_person_id="C1",
        source_id="S7",
        text="Jade B seen getting into silver Toyota hx59 txk near Elmcroft at 23:40 on 02/09/09. "
        "Driver known as 'Mo', reached on 07700 900201. Fare of £20 not paid.",
    ),
    dict(
        report_id="R2",
        recorded_at="2010-06-20",
        subject_person_id="A26",
        source_id="S9",
        text="Informant states J uses (07700) 900-226 and keeps a grey Audi LS11WOB at an "
        "address in the LS6 2QT area. Crime ref 13/123456/10 relates.",
    ),
    dict(
        report_id="R3",
        recorded_at="2010-12-06",
        subject_person_id="C1",
        source_id="S1",
        text="Jade's phone +44 7700 900101 had a call from 447700900226 at 22:14 on 03/12/2010, "
        "after the notice served on 15/11/2010. Ref CRI-2010-0078455.",
    ),
    dict(
        report_id="R4",
        recorded_at="2011-01-30",
        subject_person_id="A7",
        source_id="S1",
        text="Number 07700 900 123 is shared by two males at the house on Ferrule Street, hx1 1aa. "
        "£150 cash paid on 12.01.2011 at 19:30.",
    ),
    dict(
        report_id="R5",
        recorded_at="2011-03-12",
        subject_person_id="C5",
        source_id="",
        text="Tia C missing again, believed at takeaway on Cobbler's Wharf Road HX1 2BQ with male "
        "driving blue Focus KM08 RLW. Tel 0113 496 0512 (Star Cars), ask for 'Dee'.",
    ),
    dict(
        report_id="R6",
        recorded_at="2011-06-02",
        subject_person_id="A29",
        source_id="S7",
        text="Male 'Ricky' said to use 07700900229; nothing further. Log 2011/06/0231 at 14:05hrs, "
        "call back on ext. 4471.",
    ),
]

# ---------------------------------------------------------------------------------------------
# The safeguarding record around C1 (the review's narrative) and the hub's assessments.
REFERRALS: list[Row] = [
    dict(
        referral_id="RF3",
        child_id="C1",
        kind="conference_request",
        from_agency="police",
        to_agency="children_social_care",
        to_contact="Children's social care duty manager",
        sent_at="2011-02-14T16:00:00",
        received="unknown",
        summary="email asking for a child protection conference for C1 after the CAWN breach",
        source_id="S1",
    ),
    dict(
        referral_id="RF1",
        child_id="C1",
        kind="referral",
        from_agency="education",
        to_agency="children_social_care",
        to_contact="Children's social care front door",
        sent_at="2011-03-28T10:00:00",
        received="no",
        summary="C1 found with cannabis in school; the school told the police",
        source_id="S4",
    ),
    dict(
        referral_id="RF2",
        child_id="C1",
        kind="referral",
        from_agency="voluntary",
        to_agency="children_social_care",
        to_contact="Children's social care front door",
        sent_at="2011-04-04T11:00:00",
        received="yes",
        received_at="2011-04-04T14:00:00",
        outcome="refused",
        reason="No new information",
        responded_at="2011-04-06T10:00:00",
        summary="CSE referral by the youth worker: gifts, top-ups and taxis from older males",
        source_id="S11",
    ),
]
SCHOOL_RECORDS: list[Row] = [
    dict(
        record_id="SR1",
        child_id="C1",
        kind="attendance",
        school="Moorside High",
        period_start="2010-09-06",
        period_end="2010-12-17",
        attendance_pct="84",
        unauthorised_sessions="9",
        recorded_as="attending",
        source_id="S4",
    ),
    dict(
        record_id="SR2",
        child_id="C1",
        kind="attendance",
        school="Moorside High",
        period_start="2011-01-04",
        period_end="2011-04-08",
        attendance_pct="37",
        unauthorised_sessions="61",
        recorded_as="temporarily_absent",
        source_id="S4",
    ),
]
HEALTH_ATTENDANCES: list[Row] = [
    dict(
        attendance_id="HA1",
        child_id="C1",
        kind="ambulance",
        attended_at="2011-03-19T01:40:00",
        provider="Ambulance service",
        summary="collected intoxicated from a street near the takeaway",
        shared_with="",
        source_id="S5",
    ),
    dict(
        attendance_id="HA2",
        child_id="C1",
        kind="sexual_health",
        attended_at="2011-03-25T15:30:00",
        provider="Sexual health clinic",
        summary="attended alone; emergency contraception",
        shared_with="",
        source_id="S5",
    ),
]
GIFTS: list[Row] = [
    dict(
        gift_id="G1",
        child_id="C1",
        kind="top_up",
        given_at="2011-03-21",
        giver_id="A1",
        value_gbp="20",
        summary="phone top-up from 'Mo'",
        source_id="S11",
    ),
    dict(
        gift_id="G2",
        child_id="C1",
        kind="taxi",
        given_at="2011-03-22",
        giver_id="A1",
        summary="free taxi rides home",
        source_id="S11",
    ),
]
ALLOCATIONS: list[Row] = [
    dict(
        allocation_id="AL1",
        child_id="C1",
        worker="Social worker one",
        role="social_worker",
        agency="children_social_care",
        from_date="2010-06-01",
        to_date="2010-12-31",
        source_id="S3",
    ),
    dict(
        allocation_id="AL2",
        child_id="C1",
        worker="Social worker two",
        role="social_worker",
        agency="children_social_care",
        from_date="2011-01-01",
        to_date="2011-03-31",
        source_id="S3",
    ),
    dict(
        allocation_id="AL3",
        child_id="C1",
        worker="Social worker three",
        role="social_worker",
        agency="children_social_care",
        from_date="2011-04-01",
        source_id="S3",
    ),
]
RISK_ASSESSMENTS: list[Row] = [
    dict(
        assessment_id="RA1",
        child_id="C1",
        assessed_at="2011-03-21",
        assessor="CSE hub officer",
        level="high",
        indicators="missing_from_home;school_absence;older_associates;gifts;vehicles;sexual_health",
        source_id="S1",
    ),
    dict(
        assessment_id="RA2",
        child_id="C3",
        assessed_at="2011-01-10",
        assessor="CSE hub officer",
        level="high",
        indicators="missing_from_home;older_associates;unknown_addresses",
        source_id="S1",
    ),
    dict(
        assessment_id="RA3",
        child_id="C8",
        assessed_at="2011-01-12",
        assessor="CSE hub officer",
        level="medium",
        indicators="missing_from_home;new_phone;gifts",
        source_id="S1",
    ),
    dict(
        assessment_id="RA4",
        child_id="C8",
        assessed_at="2011-03-15",
        assessor="CSE hub officer",
        level="low",
        indicators="missing_from_home",
        source_id="S1",
    ),
]

# The rows of each file at scale 0, good and bad, in the order written.
ROWS_BY_FILE: dict[str, list[Row]] = {
    "sources.csv": SOURCES,
    "persons.csv": PERSONS,
    "locations.csv": LOCATIONS,
    "vehicles.csv": VEHICLES,
    "links.csv": LINKS,
    "events.csv": EVENTS,
    "event_participants.csv": PARTICIPANTS,
    "calls.csv": CALLS,
    "anpr.csv": ANPR,
    "handset_contacts.csv": HANDSET_CONTACTS,
    "intel_reports.csv": INTEL_REPORTS,
    "referrals.csv": REFERRALS,
    "school_records.csv": SCHOOL_RECORDS,
    "health_attendances.csv": HEALTH_ATTENDANCES,
    "gifts.csv": GIFTS,
    "allocations.csv": ALLOCATIONS,
    "risk_assessments.csv": RISK_ASSESSMENTS,
}
