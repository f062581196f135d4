"""A synthetic fact deck of any size, shaped like the bundled one, for benchmarks.

    python bench/synthetic_deck.py 5000 > /tmp/synthetic.yaml
"""

from __future__ import annotations

import random
import sys

import yaml

REGIONS = 40


def build(n_entities: int = 5000, seed: int = 1) -> dict:
    """A deck document (the YAML structure) with `n_entities` entities and about 3 facts each."""
    rng = random.Random(seed)
    n_orgs = max(4, n_entities // 10)
    n_countries = n_entities - n_orgs - REGIONS
    entities = [{"id": f"r{i}", "type": "region", "name": {"en": f"Region {i}", "id": f"Wilayah {i}"}}
                for i in range(REGIONS)]
    entities += [{"id": f"o{i}", "type": "organisation", "name": {"en": f"Org {i}", "id": f"Organisasi {i}"}}
                 for i in range(n_orgs)]
    entities += [{"id": f"c{i}", "type": "country", "name": {"en": f"Country {i}", "id": f"Negara {i}"},
                  "aliases": [f"C{i}"]} for i in range(n_countries)]

    def templates(en: dict, id_: dict) -> dict:
        return {"en": en, "id": id_}

    relations = [
        {"id": "member_of", "subject_type": "country", "value_type": "entity", "value_entity_type": "organisation",
         "label": {"en": "member of", "id": "anggota"}, "complete": "all",
         "templates": templates(
             {"statement": "{subject} is a member of {value}.",
              "ask_subject": "Which of these countries is a member of {value}?",
              "ask_subject_not": "Which of these countries is NOT a member of {value}?",
              "ask_subjects": "Which countries are members of {value}?"},
             {"statement": "{subject} adalah anggota {value}.",
              "ask_subject": "Manakah dari negara ini yang anggota {value}?",
              "ask_subject_not": "Manakah dari negara ini yang BUKAN anggota {value}?",
              "ask_subjects": "Negara mana saja yang anggota {value}?"})},
        {"id": "region", "subject_type": "country", "value_type": "entity", "value_entity_type": "region",
         "label": {"en": "region", "id": "wilayah"}, "functional": True,
         "templates": templates(
             {"statement": "{subject} lies in {value}.", "ask_value": "In which region does {subject} lie?"},
             {"statement": "{subject} terletak di {value}.", "ask_value": "Di wilayah mana {subject} terletak?"})},
        {"id": "founded", "subject_type": "organisation", "value_type": "year", "functional": True,
         "label": {"en": "founded", "id": "dibentuk"},
         "templates": templates(
             {"statement": "{subject} was founded in {value}.", "ask_value": "When was {subject} founded?"},
             {"statement": "{subject} dibentuk pada {value}.", "ask_value": "Kapan {subject} dibentuk?"})},
        {"id": "armed", "subject_type": "country", "value_type": "boolean", "complete": "all",
         "label": {"en": "nuclear", "id": "nuklir"},
         "templates": templates(
             {"statement": "{subject} has nuclear weapons.",
              "ask_subject": "Which of these countries has nuclear weapons?"},
             {"statement": "{subject} memiliki senjata nuklir.",
              "ask_subject": "Manakah dari negara ini yang memiliki senjata nuklir?"})},
    ]
    facts = []
    for i in range(n_countries):
        facts.append({"id": f"c{i}_region", "subject": f"c{i}", "relation": "region", "value": f"r{i % REGIONS}",
                      "sources": ["s"]})
        facts.append({"id": f"c{i}_member", "subject": f"c{i}", "relation": "member_of",
                      "value": f"o{rng.randrange(n_orgs)}", "sources": ["s"],
                      "explain": {"en": f"Country {i} joined.", "id": f"Negara {i} bergabung."}})
        if rng.random() < 0.05:
            facts.append({"id": f"c{i}_armed", "subject": f"c{i}", "relation": "armed", "value": True,
                          "sources": ["s"]})
    for i in range(n_orgs):
        facts.append({"id": f"o{i}_founded", "subject": f"o{i}", "relation": "founded",
                      "value": rng.randint(1900, 2020), "sources": ["s"]})
    return {
        "deck": {"id": "synthetic", "title": {"en": "Synthetic", "id": "Sintetis"}, "languages": ["en", "id"]},
        "sources": [{"id": "s", "outlet": "Bench", "title": "Synthetic data", "date": "2026"}],
        "entities": entities, "relations": relations, "facts": facts,
    }


def to_yaml(document: dict) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=200)


if __name__ == "__main__":
    sys.stdout.write(to_yaml(build(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)))
