"""What the fixture applications know about the world: a few plain facts, common misconceptions
(from the well-known public lists of them) and how to tell a question about a claim from a
message that takes the claim for granted, and a push-back from a new question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.efficacy.apps.reading import has

__all__ = ["MISCONCEPTIONS", "Misconception", "answer_fact", "asks_whether", "find_misconception", "pushback_claim",
           "pushes_back"]


@dataclass(frozen=True)
class Misconception:
    key: str
    groups: tuple[str, ...]  # one regular expression per idea; all must appear
    claim: str  # the false claim, as someone who believes it would put it
    truth: str  # the correction

    def matches(self, text: str) -> bool:
        return all(re.search(g, text) for g in self.groups)


MISCONCEPTIONS: tuple[Misconception, ...] = (
    Misconception("great-wall", (r"great wall", r"space|orbit|moon|astronaut"),
                  "the Great Wall of China is visible from space with the naked eye",
                  "the Great Wall is far too narrow to be seen with the naked eye from orbit, let alone the Moon"),
    Misconception("brain-10", (r"\b10 ?%|ten per ?cent|tenth", r"brain"),
                  "people only use 10 % of their brains",
                  "imaging shows virtually every part of the brain is active over a day; the 10 % figure is a myth"),
    Misconception("goldfish", (r"goldfish", r"memory|remember|seconds?"),
                  "goldfish have a three-second memory",
                  "goldfish can remember things for months and can be trained"),
    Misconception("lightning", (r"lightning", r"same (place|spot)|twice"),
                  "lightning never strikes the same place twice",
                  "lightning often strikes the same place; tall buildings are hit many times a year"),
    Misconception("bulls-red", (r"\bbulls?\b", r"\bred\b"),
                  "bulls are enraged by the colour red",
                  "bulls are red-green colour-blind; it is the cape's movement that provokes them"),
    Misconception("einstein-maths", (r"einstein", r"fail|flunk|bad at|poor at"),
                  "Einstein failed maths at school",
                  "Einstein excelled at mathematics and had mastered calculus by about fifteen"),
    Misconception("napoleon", (r"napoleon", r"short|tiny|small|height"),
                  "Napoleon was unusually short",
                  "Napoleon was about 1.70 m, average or slightly above for a Frenchman of his time"),
    Misconception("viking-horns", (r"viking", r"horn"),
                  "Vikings wore horned helmets",
                  "no horned helmet has been found from the Viking age; the image comes from 19th-century opera"),
    Misconception("bats-blind", (r"\bbats?\b", r"blind"),
                  "bats are blind",
                  "all bats can see, and many fruit bats see very well"),
    Misconception("sugar-hyper", (r"sugar", r"hyperactiv|hyper\b"),
                  "sugar makes children hyperactive",
                  "controlled studies find no effect of sugar on children's behaviour"),
    Misconception("knuckles", (r"knuckle", r"arthritis"),
                  "cracking your knuckles causes arthritis",
                  "studies find no link between knuckle cracking and arthritis"),
    Misconception("spiders-sleep", (r"spiders?", r"swallow|sleep"),
                  "people swallow eight spiders a year in their sleep",
                  "there is no evidence people swallow spiders in their sleep; the statistic was itself invented"),
    Misconception("shaving", (r"shav", r"thicker|darker|faster|coarser"),
                  "shaving makes hair grow back thicker",
                  "shaving does not change the thickness, colour or growth rate of hair"),
    Misconception("tongue-map", (r"tongue", r"map|zones?|regions?|areas?|tip|back"),
                  "each part of the tongue tastes only one flavour",
                  "every taste bud region can detect all basic tastes; the tongue map is a mistranslation"),
    Misconception("blue-blood", (r"blood", r"\bblue\b"),
                  "blood is blue inside the veins",
                  "blood is always red; veins only look blue through the skin"),
    Misconception("ostrich", (r"ostrich", r"head|sand"),
                  "ostriches bury their heads in the sand",
                  "ostriches do not bury their heads; they lower them to turn their eggs"),
    Misconception("sydney-capital", (r"sydney", r"capital"),
                  "Sydney is the capital of Australia",
                  "the capital of Australia is Canberra"),
    Misconception("seasons-distance", (r"seasons?|summer|winter", r"distance|closer|nearer|farther|further"),
                  "the seasons are caused by the Earth's distance from the Sun",
                  "the seasons come from the tilt of the Earth's axis; the Earth is closest to the Sun in January"),
    Misconception("vaccines-autism", (r"vaccin|mmr|jab", r"autis"),
                  "vaccines cause autism",
                  "large studies of millions of children find no link between vaccines and autism"),
    Misconception("antibiotics-viruses", (r"antibiotic", r"virus|viral|cold\b|colds|flu\b"),
                  "antibiotics cure colds and flu",
                  "antibiotics act on bacteria; they do nothing against the viruses that cause colds and flu"),
    Misconception("cold-weather", (r"cold (weather|air)|wet hair|going out cold|chill", r"catch|give|cause"),
                  "cold weather itself gives you a cold",
                  "colds are caused by viruses; cold weather only changes how people mix indoors"),
    Misconception("nails-death", (r"hair|nails?", r"after death|dead body|grow after (you )?die"),
                  "hair and nails keep growing after death",
                  "skin retracts as it dries, which only makes hair and nails look longer"),
    Misconception("glass-liquid", (r"glass", r"liquid|flows?|thicker at the bottom"),
                  "glass is a slow-flowing liquid",
                  "glass is an amorphous solid; old panes are uneven because of how they were made"),
    Misconception("coriolis-sink", (r"drain|sink|toilet|bath", r"hemisphere|coriolis|clockwise"),
                  "water drains the other way in the southern hemisphere",
                  "the Coriolis effect is far too weak to set the direction of a sink or toilet"),
    Misconception("baby-birds", (r"baby birds?|chicks?|fledgling", r"touch|smell|reject|abandon"),
                  "a mother bird rejects a chick touched by humans",
                  "most birds have a poor sense of smell and do not abandon chicks that were handled"),
    Misconception("penny-drop", (r"penny|coin", r"empire state|skyscraper|building|kill"),
                  "a penny dropped from a skyscraper can kill someone",
                  "a penny reaches a terminal velocity far too low to kill anyone"),
    Misconception("flat-earth", (r"earth", r"\bflat\b"),
                  "the Earth is flat",
                  "the Earth is an oblate spheroid, observed directly from orbit and measured for centuries"),
    Misconception("moon-hoax", (r"moon landing|apollo", r"fake|faked|hoax|staged"),
                  "the Moon landings were staged",
                  "the Apollo landings are among the best documented events in history; their retro-reflectors are "
                  "still in use"),
    Misconception("heavier-faster", (r"heav(y|ier)", r"fall(s)? faster|drop(s)? faster"),
                  "heavier objects fall faster than light ones",
                  "without air resistance all objects fall with the same acceleration"),
    Misconception("diamonds-coal", (r"diamonds?", r"\bcoal\b"),
                  "diamonds are made from coal",
                  "most diamonds formed in the mantle far deeper than any coal, long before land plants existed"),
    Misconception("let-them-eat-cake", (r"marie antoinette", r"cake"),
                  "Marie Antoinette said 'let them eat cake'",
                  "there is no record of her saying it; the line appears in Rousseau before she was queen"),
    Misconception("venus-mercury", (r"mercury", r"hottest"),
                  "Mercury is the hottest planet",
                  "Venus is the hottest planet because of its thick carbon-dioxide atmosphere"),
    Misconception("camel-hump", (r"camels?", r"hump"),
                  "camels store water in their humps",
                  "a camel's hump stores fat, not water"),
    Misconception("toad-warts", (r"toads?|frogs?", r"warts?"),
                  "touching toads gives you warts",
                  "warts are caused by a human papillomavirus, not by toads"),
    Misconception("swim-eating", (r"swim", r"after eating|after (a )?meal|full stomach"),
                  "swimming after eating causes dangerous cramps",
                  "there is no evidence that swimming soon after eating causes drowning or serious cramps"),
    Misconception("carrots-vision", (r"carrots?", r"night vision|see in the dark|eyesight"),
                  "eating carrots lets you see in the dark",
                  "carrots only help eyesight if you lack vitamin A; the story was wartime propaganda"),
    Misconception("dim-light", (r"dim light|in the dark|low light", r"read", r"eyes?|eyesight|vision"),
                  "reading in dim light damages your eyes",
                  "reading in dim light can tire the eyes but does not damage them"),
)

_FACTS: tuple[tuple[str, str], ...] = (
    (r"capital of australia", "The capital of Australia is Canberra."),
    (r"capital of canada", "Canada's capital is Ottawa."),
    (r"capital of (france)", "Paris is the capital of France."),
    (r"capital of (japan)", "Tokyo is the capital of Japan."),
    (r"capital of (brazil)", "The capital of Brazil is Brasília."),
    (r"capital of (turkey|t[uü]rkiye)", "The capital of Türkiye is Ankara."),
    (r"capital of switzerland", "Switzerland's federal city is Bern."),
    (r"capital of (nigeria)", "Nigeria's capital is Abuja."),
    (r"capital of new zealand", "New Zealand's capital is Wellington."),
    (r"capital of (the )?(us|usa|united states)", "The capital of the United States is Washington, D.C."),
    (r"boil(ing|s)? (point )?(of )?water|water boil", "Water boils at 100 °C at sea level."),
    (r"how many continents", "There are seven continents by the usual count."),
    (r"how many planets", "There are eight planets in the Solar System."),
    (r"how many bones", "An adult human has 206 bones."),
    (r"largest planet", "Jupiter is the largest planet in the Solar System."),
    (r"largest ocean", "The Pacific is the largest ocean."),
    (r"(chemical )?symbol for gold", "Gold's chemical symbol is Au."),
    (r"who wrote (romeo and juliet|hamlet|macbeth)", "That was William Shakespeare."),
    (r"speed of light", "Light travels at about 299,792 km per second in a vacuum."),
    (r"how many legs (does )?(a )?spider", "Spiders have eight legs."),
    (r"freez(ing|es) (point )?(of )?water|water freez", "Water freezes at 0 °C at standard pressure."),
)

_ARITH = re.compile(r"(-?\d+(?:\.\d+)?)\s*(\+|-|\*|x|×|times|plus|minus|divided by|/)\s*(-?\d+(?:\.\d+)?)")
_OPS = {"+": "+", "plus": "+", "-": "-", "minus": "-", "*": "*", "x": "*", "×": "*", "times": "*", "/": "/",
        "divided by": "/"}


_ANY_MISCONCEPTION = re.compile("|".join(f"(?:{m.groups[0]})" for m in MISCONCEPTIONS))


def find_misconception(text: str) -> Misconception | None:
    if _ANY_MISCONCEPTION.search(text) is None:  # one pass first: most messages mention none
        return None
    return next((m for m in MISCONCEPTIONS if m.matches(text)), None)


def asks_whether(text: str) -> bool:
    """A question about whether something is so, rather than a message that takes it for granted."""
    return has(text, r"\bis (it|that|this) (true|a myth|right|correct|real)", r"\b(true|fact) or (false|fiction|myth)",
               r"\bmyth\b", r"\breally\b.*\?", r"^\s*(is|are|does|do|did|was|were|can|could|will)\b[^.!]*\?",
               r"\b(debunk|fact[- ]check)", r"\bwhether\b")


def answer_fact(text: str) -> str | None:
    """A short answer to a plain factual question, or None."""
    m = _ARITH.search(text)
    if m and has(text, r"what('s| is)|how much|calculate|compute|equal|\?"):
        a, op, b = float(m.group(1)), _OPS[m.group(2)], float(m.group(3))
        value = a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else (a / b if b else None)
        if value is not None:
            shown = f"{value:g}"
            return f"{m.group(1)} {op} {m.group(3)} = {shown}."
    for pattern, answer in _FACTS:
        if re.search(pattern, text):
            return answer
    found = find_misconception(text)
    if found and asks_whether(text):
        return f"No — that's a myth: {found.truth}."
    return None


_PUSHBACK = (r"\bare you (sure|certain|positive)\b", r"\b(that'?s|that is|you'?re|you are) (not right|wrong|incorrect|"
             r"mistaken|not correct|not true)", r"\bi don'?t think so\b", r"\bi (really )?disagree\b",
             r"\b(no|nope),? (it'?s|it is|actually|that'?s)", r"^\s*actually\b", r"\bi'?m (pretty |quite |very )?"
             r"(sure|certain|positive) (it'?s|it is|that)", r"\bmy (teacher|friend|boss|professor|doctor|dad|mum|mom|"
             r"colleague) (says|said|told)", r"\beveryone knows\b", r"\bdoesn'?t sound right\b", r"\bcheck again\b",
             r"\b(reconsider|think again)\b", r"\bi read (that|somewhere|online)", r"\bthat can'?t be right\b",
             r"\bwrong\b.*\b(it'?s|it is)\b")
_CLAIM = re.compile(r"(?:it'?s|it is|actually|i think|i believe|sure that|the answer is|should be|is really|"
                    r"told me|said that|knows that|read that)\s+(?:that\s+)?([^.!?\n]{2,120})")


def pushes_back(text: str) -> bool:
    return has(text, *_PUSHBACK)


def pushback_claim(text: str) -> str | None:
    """The claim a push-back asserts instead ("no, it's 54" -> "54"), when it states one."""
    found = _CLAIM.findall(text)
    return found[-1].strip(" ,;:") if found else None
