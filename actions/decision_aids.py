"""The three decision aids (Rasa forms): a few ja/nee/weet-niet questions that end in the route that fits the case.

Each form has a validation action (which answer fills the asked slot, which questions still apply), one
`action_ask_<slot>` per question, and an outcome action that answers from the form's knowledge article.
"""
from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import BaliegidsAction, replies
from bot.contract import SMALLTALK
from bot.knowledge.render import RenderedArticle, section

ANSWERS = {"affirm": "ja", "deny": "nee", "dont_know": "onbekend"}
ANSWER_BUTTONS = [
    {"title": "Ja", "payload": "/affirm"},
    {"title": "Nee", "payload": "/deny"},
    {"title": "Weet ik niet", "payload": "/dont_know"},
    {"title": "Stop", "payload": "/stop"},
]


# --- questions ---------------------------------------------------------------------------------------------------

class AskQuestion(BaliegidsAction):
    """Asks one form question with ja / nee / weet ik niet / stop buttons."""

    slot = ""

    @property
    @abstractmethod
    def question(self) -> str:
        """The question, in Dutch."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=self.question, buttons=ANSWER_BUTTONS, json_message={"type": SMALLTALK})
        return []


class AskInOpvang(AskQuestion):
    slot = "in_opvang"
    question = "Verblijft zij nu in een opvang (vrouwenopvang, Blijf-van-mijn-lijfhuis)?"


class AskOpvangAangewezen(AskQuestion):
    slot = "opvang_aangewezen"
    question = "Heeft jullie college die opvanginstelling aangewezen voor het briefadres (art. 2.40 lid 4 Wet BRP)?"


class AskVeiligheid(AskQuestion):
    slot = "veiligheid"
    question = "Is haar veiligheid in het geding als haar woonadres in de BRP komt?"


class AskBriefadresgever(AskQuestion):
    slot = "briefadresgever"
    question = "Is er een briefadresgever (een persoon of aangewezen organisatie) die schriftelijk instemt?"


class AskUitOpvang(AskQuestion):
    slot = "uit_opvang"
    question = "Verblijft zij in een opvang na huiselijk geweld, of verlaat zij die?"


class AskUrgentieregeling(AskQuestion):
    slot = "urgentieregeling"
    question = "Heeft jullie huisvestingsverordening een urgentieregeling?"


class AskEisBinding(AskQuestion):
    slot = "eis_binding"
    question = "Wordt binding met jullie gemeente of regio van haar gevraagd, of wordt zij naar een andere gemeente gestuurd?"


class AskEisOverig(AskQuestion):
    slot = "eis_overig"
    question = "Worden andere eisen gesteld, zoals geen schulden of voorwaarden die niet in de verordening staan?"


class AskEenmanszaak(AskQuestion):
    slot = "eenmanszaak"
    question = "Heeft zij een eenmanszaak?"


class AskPostadres(AskQuestion):
    slot = "postadres"
    question = "Kan zij een openbaar postadres opgeven dat afwijkt van haar woon- en bezoekadres, zoals een postbus?"


class AskDreiging(AskQuestion):
    slot = "dreiging"
    question = "Is er een concrete dreiging die afscherming nodig maakt voor haar veiligheid?"


# --- validation: which answer fills the slot, which questions still apply -----------------------------------------

class DecisionAidValidation(FormValidationAction, metaclass=ABCMeta):
    """Fills the asked slot from the clerk's ja / nee / weet-niet; other messages leave the form to the rules."""

    async def get_extraction_events(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        asked = tracker.get_slot("requested_slot")
        answer = ANSWERS.get(tracker.latest_message.get("intent", {}).get("name"))
        return [SlotSet(asked, answer)] if asked and answer else []

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        return self.applicable(domain_slots, tracker.get_slot)

    @abstractmethod
    def applicable(self, slots: List[Text], answer) -> List[Text]:
        """The form's questions that apply given the answers so far."""


class ValidateBriefadresForm(DecisionAidValidation):
    def name(self) -> Text:
        return "validate_briefadres_form"

    def applicable(self, slots, answer):
        skip = set()
        if answer("in_opvang") in ("nee", "onbekend"):
            skip.add("opvang_aangewezen")
        if answer("in_opvang") == "ja" and answer("opvang_aangewezen") == "ja":
            skip.add("veiligheid")  # route 2.40 applies; the mayor's safety judgement is not needed
        return [slot for slot in slots if slot not in skip]


class ValidateUrgentieForm(DecisionAidValidation):
    def name(self) -> Text:
        return "validate_urgentie_form"

    def applicable(self, slots, answer):
        return slots[:1] if answer("uit_opvang") == "nee" else slots


class ValidateKvkForm(DecisionAidValidation):
    def name(self) -> Text:
        return "validate_kvk_form"

    def applicable(self, slots, answer):
        skip = set()
        if answer("eenmanszaak") != "ja":
            skip.add("postadres")
        if answer("eenmanszaak") == "ja" and answer("postadres") == "ja":
            skip.add("dreiging")  # lid 3 applies without any threat
        return [slot for slot in slots if slot not in skip]


# --- outcomes ----------------------------------------------------------------------------------------------------

class DecisionOutcome(BaliegidsAction):
    """Answers from the form's article with the advice for the case, and clears the form's slots."""

    article_id = ""
    slots: List[Text] = []

    @abstractmethod
    def advice(self, answer) -> List[str]:
        """The advice for the case, one paragraph per item."""

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        row = replies().article(self.article_id)
        advice = section("advies", "", text="\n\n".join(self.advice(tracker.get_slot)))
        dispatcher.utter_message(**replies().answer(RenderedArticle(row), [advice], confidence=1.0,
                                                    heading=f"Keuzehulp: {row.title}"))
        return [SlotSet("article", row.id)] + [SlotSet(slot, None) for slot in self.slots]


def unknown_note(answer, slots: Dict[str, str]) -> Optional[str]:
    unknown = [question for slot, question in slots.items() if answer(slot) == "onbekend"]
    if not unknown:
        return None
    return "Nog uitzoeken: " + "; ".join(unknown) + ". Het advies hierboven gaat uit van het meest waarschijnlijke geval."


class ActionBriefadresAdvies(DecisionOutcome):
    article_id = "brp_briefadres_opvang"
    slots = ["in_opvang", "opvang_aangewezen", "veiligheid", "briefadresgever"]

    def name(self) -> Text:
        return "action_briefadres_advies"

    def advice(self, answer):
        if answer("in_opvang") == "ja" and answer("opvang_aangewezen") == "ja":
            route = (
                "Route art. 2.40 Wet BRP: zij woont in een instelling die het college heeft aangewezen en mag een "
                "briefadres kiezen in plaats van het opvangadres. Neem de aangifte van het briefadres op; het "
                "opvangadres komt niet als haar adres in de BRP."
            )
        elif answer("veiligheid") in ("ja", "onbekend") or answer("in_opvang") == "ja":
            route = (
                "Route art. 2.41 Wet BRP: leg het verzoek voor aan de burgemeester, of aan wie dat namens de "
                "burgemeester beoordeelt. Vindt de burgemeester het om veiligheidsredenen niet wenselijk haar "
                "woonadres op te nemen, dan mag zij een briefadres kiezen."
            )
            if answer("in_opvang") == "ja":
                route += (
                    " Blijkt de opvang toch aangewezen (lokaal aanwijzingsbesluit, art. 2.40 lid 4), dan geldt "
                    "route 2.40 en is het oordeel van de burgemeester niet nodig."
                )
        else:
            route = (
                "Heeft zij een woonadres, dan schrijf je haar daar in. Route art. 2.23 Wet BRP: heeft zij geen "
                "woonadres, dan neem je op haar aangifte een briefadres op. "
                "Doet zij geen aangifte, dan moet het college sinds 1 januari 2022 ambtshalve een briefadres "
                "opnemen, bij een briefadresgever die instemt of anders op een adres van de gemeente."
            )
        if answer("briefadresgever") == "ja":
            giver = "Neem bij de aangifte de schriftelijke instemming van de briefadresgever op (art. 2.45 lid 2)."
        else:
            giver = (
                "Briefadresgever kan een ingezetene zijn of een rechtspersoon die het college daarvoor heeft "
                "aangewezen (art. 2.42). Het adres van de gemeente als terugval (art. 2.23 lid 3) geldt als zij geen "
                "woonadres heeft; past dat niet op haar situatie, schaal dan op naar je vakspecialist BRP."
            )
        always = "Weigeren mag niet. Wijs haar op het recht op geheimhouding van haar gegevens voor derden (art. 2.59)."
        note = unknown_note(answer, {"in_opvang": "verblijft zij in een opvang",
                                     "opvang_aangewezen": "is de opvang aangewezen (vraag je vakspecialist BRP)",
                                     "veiligheid": "is haar veiligheid in het geding",
                                     "briefadresgever": "is er een briefadresgever"})
        return [part for part in (route, giver, always, note) if part]


class ActionUrgentieAdvies(DecisionOutcome):
    article_id = "wonen_urgentie_geen_binding"
    slots = ["uit_opvang", "urgentieregeling", "eis_binding", "eis_overig"]

    def name(self) -> Text:
        return "action_urgentie_advies"

    def advice(self, answer):
        if answer("uit_opvang") == "nee":
            return [
                "Deze keuzehulp gaat over vrouwen die in de opvang verblijven of die verlaten na huiselijk geweld. "
                "Voor andere woningzoekenden geldt jullie gewone huisvestingsverordening; vraag bij twijfel de "
                "beleidsadviseur urgentie."
            ]
        if answer("urgentieregeling") == "nee":
            regeling = (
                "Zonder urgentieregeling in de verordening verplicht de huidige tekst van art. 12 Huisvestingswet "
                "2014 niet tot voorrang. De versie die vanaf 1 juli 2026 in de wettekst staat, maakt een "
                "urgentieregeling verplicht, met een categorie voor vrouwen die de opvang verlaten na huiselijk "
                "geweld (art. 12 lid 3 onder d); of die versie al geldt, is nog niet gecontroleerd: vraag het je "
                "jurist wonen."
            )
        else:
            regeling = (
                "Heeft de verordening een urgentieregeling, dan hoort een vrouw die in een opvang verblijft omdat ze "
                "door relationele problemen of geweld haar woning verliet, in ieder geval bij de urgente "
                "woningzoekenden (art. 12 lid 3 Huisvestingswet 2014)."
            )
        parts = [regeling]
        if answer("eis_binding") != "nee":
            parts.append(
                "Binding mag niet tegen haar worden gebruikt: voorrang voor mensen met binding aan gemeente of regio "
                "geldt niet tegenover een vrouw uit de opvang (art. 16). Stuur haar ook niet door naar een andere "
                "gemeente met het argument dat de opvang landelijk toegankelijk is. Let op: de versie vanaf 1 juli "
                "2026 koppelt voorrang voor urgente woningzoekenden aan binding met de woningmarktregio (art. 14 "
                "lid 6); hoe dat voor haar uitpakt, is een open vraag: leg het voor aan je beleidsadviseur of jurist."
            )
        if answer("eis_overig") != "nee":
            parts.append(
                "Andere eisen: de criteria voor urgentie horen in de verordening te staan. Volgens de Nationale "
                "ombudsman (2019) schreef de minister van VWS op 19 april 2019 dat gemeenten geen aanvullende "
                "criteria mogen stellen en dat schulden geen belemmering mogen zijn; die brief zelf is voor deze "
                "gids niet gecontroleerd. Zie het artikel over de voorwaarden voor urgentie."
            )
        note = unknown_note(answer, {"urgentieregeling": "heeft de verordening een urgentieregeling"})
        return parts + ([note] if note else [])


class ActionKvkAdvies(DecisionOutcome):
    article_id = "kvk_adres_afschermen"
    slots = ["eenmanszaak", "postadres", "dreiging"]

    def name(self) -> Text:
        return "action_kvk_advies"

    def advice(self, answer):
        parts = ["Haar woonadres is als adres van een natuurlijk persoon niet openbaar (art. 51 lid 1 "
                 "Handelsregisterbesluit 2008); het gaat om het bezoekadres van haar bedrijf."]
        if answer("eenmanszaak") == "ja" and answer("postadres") == "ja":
            parts.append(
                "Route art. 51 lid 3: bij een eenmanszaak met een openbaar postadres schermt KVK het bezoekadres op "
                "haar verzoek af; een dreiging hoeft zij niet aan te tonen. Dat kan bij het inschrijven of later."
            )
        elif answer("dreiging") != "nee":
            parts.append(
                "Route art. 51 lid 5: afscherming bij een dreiging die dat nodig maakt voor haar veiligheid, als aan "
                "alle voorwaarden is voldaan: het adres is niet via een andere registratie te zien, er is geen "
                "openbaar telefoonnummer, zij heeft zelf maatregelen genomen en zij geeft een correspondentieadres op. "
                "Waarschuw haar: volgens KVK wordt de hele inschrijving geblokkeerd zolang zo'n verzoek loopt, wat "
                "haar bank en klanten raakt; controleer bij KVK hoe dat nu werkt."
            )
        else:
            parts.append(
                "Zonder openbaar postadres (bij een eenmanszaak) en zonder dreiging blijft het bezoekadres openbaar. "
                + ("Met een openbaar postadres, zoals een postbus, kan zij afscherming via art. 51 lid 3 vragen."
                   if answer("eenmanszaak") == "ja" else
                   "Bij een andere rechtsvorm is afscherming alleen mogelijk bij een dreiging (art. 51 lid 5).")
            )
        parts.append(
            "KVK beslist, niet de gemeente. Bestuursorganen (ook de gemeente), advocaten, deurwaarders en notarissen "
            "kunnen een afgeschermd adres wel zien (art. 51 lid 7): geef het nooit door."
        )
        note = unknown_note(answer, {"eenmanszaak": "welke rechtsvorm heeft zij",
                                     "postadres": "kan zij een openbaar postadres opgeven",
                                     "dreiging": "is er een concrete dreiging"})
        return parts + ([note] if note else [])
