"""Emailed answers to an ask, written for the tests of ``warmpath.intent`` and the figures of ``make bench``.

Written by hand, per language, as people write them (not taken from the lexicon the code reads):

- ``ACCEPTS``: plain, unconditional yeses (idioms that mean yes included: "No problem", "Why not", "Kein Problem");
- ``BLOCKERS``: what turns a yes into something else, by kind (negation, condition, deferral, reversal, hedge,
  contrast);
- ``adversarial()``: every accept phrase combined with every blocker of its language (and every blocker in
  English, since replies mix languages), in every position the answer can hold it (before or after the yes, in
  the same sentence, a second sentence, a second line of the answer, after a dash or an ellipsis), with casing
  and typography varied. None of them may be an accept.
- ``PLAIN_YES``: whole visible replies that must be accepts (greetings, signatures, disclaimers, the connector's
  own introduction words after the answer).
"""

from __future__ import annotations

from collections.abc import Iterator

ACCEPTS: dict[str, list[str]] = {
    "en": [
        "Yes", "Yes, happy to introduce them", "Sure", "Sure thing", "Happy to", "Of course", "Absolutely",
        "Okay, will do", "OK", "Yep", "Yeah, sounds good", "Glad to help", "With pleasure", "No problem",
        "Not a problem", "Why not", "I can't say no", "Definitely", "Go ahead", "Count me in",
        "I'll introduce them", "Delighted to", "No worries, I'll do it",
    ],
    "de": [
        "Ja", "Ja, gerne", "Gerne", "Klar", "Natürlich", "Sehr gerne", "Kein Problem", "Mache ich",
        "Selbstverständlich", "Auf jeden Fall", "Warum nicht",
    ],
    "fr": [
        "Oui", "Oui, avec plaisir", "Avec plaisir", "Bien sûr", "Volontiers", "D'accord", "Pas de souci",
        "Pas de problème", "Je m'en occupe", "Absolument", "Pourquoi pas",
    ],
    "es": [
        "Sí", "Claro", "Claro que sí", "Con gusto", "Por supuesto", "Vale", "Sin problema", "De acuerdo",
        "Encantado", "Sí, con mucho gusto", "No hay problema",
    ],
    "pt": [
        "Sim", "Sim, com prazer", "Claro", "Com certeza", "Sem problema", "Pode deixar", "Combinado",
        "Com todo o prazer", "Claro que sim",
    ],
    "it": [
        "Sì", "Volentieri", "Certo", "Certamente", "Con piacere", "Va bene", "Nessun problema", "D'accordo",
        "Ma certo", "Sì, volentieri",
    ],
    "nl": ["Ja", "Graag", "Ja, graag", "Natuurlijk", "Zeker", "Prima", "Geen probleem", "Met plezier", "Is goed"],
}  # fmt: skip

BLOCKERS: dict[str, dict[str, list[str]]] = {
    "en": {
        "negation": [
            "not", "I'd prefer you didn't", "I'd rather not", "absolutely not", "no way", "I'm not happy to",
            "I can't", "I won't", "never", "I don't think so", "no", "not really", "I'm not comfortable with it",
            "please don't", "I'd prefer not to", "nope",
        ],
        "condition": [
            "if the budget is approved", "once the deal closes", "as soon as I hear back from her",
            "only after the board meeting", "unless something comes up", "provided the budget is approved",
            "providing she agrees", "as long as she is fine with it", "assuming she agrees",
            "depending on her schedule", "when things calm down", "subject to her approval",
        ],
        "deferral": [
            "not now", "later", "after the holidays", "next week", "next month", "next quarter",
            "let me think about it", "I'll get back to you", "let me circle back", "not yet", "maybe", "perhaps",
            "possibly", "I might", "let me check first", "in a few weeks",
        ],
        "reversal": [
            "actually, no", "actually", "on second thought", "scratch that", "wait", "never mind", "hold on",
            "hmm", "on second thoughts, no", "wait, never mind",
        ],
        "hedge": ["I guess", "probably", "I suppose", "I think", "I'll try"],
        "contrast": [
            "but not this month", "however, I need to check first", "though I'm very busy",
            "although it's a busy time", "but only for Priya", "except I'm travelling",
        ],
    },
    "de": {
        "negation": [
            "nicht", "lieber nicht", "auf keinen Fall", "leider nicht", "ich möchte das nicht", "nein",
            "eher nicht", "ich kann nicht", "bitte nicht",
        ],
        "condition": [
            "wenn das Budget genehmigt wird", "sobald der Vertrag unterschrieben ist", "falls sie zustimmt",
            "nur wenn sie einverstanden ist", "vorausgesetzt, sie stimmt zu", "sofern es passt",
            "es sei denn, etwas kommt dazwischen", "erst nach der Vorstandssitzung",
        ],
        "deferral": [
            "aber nicht jetzt", "später", "nach den Feiertagen", "nächste Woche", "nächsten Monat",
            "lass mich darüber nachdenken", "ich melde mich", "noch nicht", "vielleicht", "eventuell",
        ],
        "reversal": ["eigentlich doch nicht", "Moment", "warte", "vergiss es", "hmm", "nein, doch nicht"],
        "hedge": ["ich denke schon", "wahrscheinlich", "ich versuche es"],
        "contrast": [
            "aber erst im Januar", "allerdings bin ich unterwegs", "obwohl ich wenig Zeit habe",
            "jedoch nicht diese Woche",
        ],
    },
    "fr": {
        "negation": [
            "pas", "non", "plutôt pas", "je préfère que vous ne le fassiez pas", "pas question", "je ne peux pas",
            "jamais", "je ne suis pas à l'aise",
        ],
        "condition": [
            "si le budget est approuvé", "une fois le contrat signé", "dès que j'ai sa réponse",
            "seulement après la réunion", "à condition qu'elle accepte", "sauf si elle refuse",
            "à moins qu'il y ait un souci", "quand j'aurai le temps", "pourvu qu'elle soit d'accord",
        ],
        "deferral": [
            "mais pas maintenant", "plus tard", "après les vacances", "la semaine prochaine", "le mois prochain",
            "laissez-moi réfléchir", "je reviens vers vous", "pas encore", "peut-être",
        ],
        "reversal": ["en fait, non", "finalement non", "attendez", "oubliez", "hmm", "à la réflexion, non"],
        "hedge": ["je suppose", "probablement", "je pense", "je vais essayer"],
        "contrast": [
            "mais pas cette semaine", "cependant je suis en déplacement", "pourtant je suis très pris",
            "toutefois pas avant janvier",
        ],
    },
    "es": {
        "negation": ["no", "mejor no", "prefiero que no", "de ninguna manera", "no puedo", "nunca", "lo siento, no"],
        "condition": [
            "si se aprueba el presupuesto", "una vez que firme el contrato", "en cuanto me responda",
            "solo después de la reunión", "siempre que ella esté de acuerdo", "a menos que surja algo",
            "cuando tenga tiempo", "con tal de que acepte",
        ],
        "deferral": [
            "pero más tarde", "ahora no", "después de las vacaciones", "la próxima semana", "el mes que viene",
            "déjame pensarlo", "te aviso", "todavía no", "quizás", "tal vez",
        ],
        "reversal": ["en realidad, no", "pensándolo bien, no", "espera", "olvídalo", "mmm"],
        "hedge": ["supongo", "probablemente", "creo que sí", "lo intentaré"],
        "contrast": ["pero no esta semana", "aunque estoy de viaje", "sin embargo, no antes de enero"],
    },
    "pt": {
        "negation": ["não", "melhor não", "prefiro que não", "de jeito nenhum", "não posso", "nunca"],
        "condition": [
            "se o orçamento for aprovado", "assim que ela responder", "desde que ela concorde",
            "só depois da reunião", "a menos que surja algo", "quando eu tiver tempo", "caso ela aceite",
            "uma vez assinado o contrato",
        ],
        "deferral": [
            "mas agora não", "mais tarde", "depois das férias", "na próxima semana", "no mês que vem",
            "deixa-me pensar", "ainda não", "talvez",
        ],
        "reversal": ["na verdade, não", "pensando bem, não", "espera", "esquece", "hmm"],
        "hedge": ["acho que sim", "provavelmente", "vou tentar", "suponho"],
        "contrast": ["mas não esta semana", "porém estou viajando", "embora esteja ocupado", "contudo só em janeiro"],
    },
    "it": {
        "negation": ["no", "meglio di no", "preferirei di no", "assolutamente no", "non posso", "mai", "purtroppo no"],
        "condition": [
            "se il budget viene approvato", "una volta firmato il contratto", "appena mi risponde",
            "solo dopo la riunione", "purché lei sia d'accordo", "a meno che non succeda qualcosa",
            "quando avrò tempo", "a patto che accetti",
        ],
        "deferral": [
            "ma dopo le vacanze", "non ora", "più tardi", "la prossima settimana", "il mese prossimo",
            "fammi pensare", "ti faccio sapere", "non ancora", "forse", "magari",
        ],
        "reversal": ["in realtà no", "a pensarci bene, no", "aspetta", "lascia perdere", "anzi, no", "ehm"],
        "hedge": ["credo di sì", "probabilmente", "proverò", "penso"],
        "contrast": [
            "ma non questa settimana", "però sono in viaggio", "tuttavia non prima di gennaio",
            "anche se sono molto impegnato",
        ],
    },
    "nl": {
        "negation": ["niet", "liever niet", "nee", "absoluut niet", "ik kan niet", "nooit", "helaas niet"],
        "condition": [
            "als het budget wordt goedgekeurd", "zodra ze reageert", "mits zij akkoord gaat",
            "pas na de vergadering", "tenzij er iets tussenkomt", "wanneer ik tijd heb", "indien zij instemt",
            "op voorwaarde dat ze akkoord is",
        ],
        "deferral": [
            "maar later", "niet nu", "na de vakantie", "volgende week", "volgende maand", "laat me even nadenken",
            "ik kom erop terug", "nog niet", "misschien", "wellicht",
        ],
        "reversal": ["eigenlijk niet", "bij nader inzien niet", "wacht", "laat maar", "hmm"],
        "hedge": ["denk ik", "waarschijnlijk", "ik zal het proberen"],
        "contrast": ["maar niet deze week", "echter pas in januari", "hoewel ik het druk heb", "alleen niet nu"],
    },
}  # fmt: skip

# Where the blocker sits: after the yes in the same sentence, before it, a second sentence, a second line of
# the answer paragraph, after a dash, after an ellipsis.
POSITIONS = [
    "{a}, {b}.",
    "{a} {b}",
    "{B}, {a}.",
    "{a}. {B}.",
    "{a}!\n{B}.",
    "{a} \u2014 {b}",
    "{a}\u2026 {b}",
    "{B}. {a}!",
]


def _variants(text: str, seed: int) -> str:
    """Casing and typography varied, one variant per case (so the set stays small enough to run every time)."""
    variant = seed % 5
    if variant == 1:
        return text.upper()
    if variant == 2:
        return text.lower()
    if variant == 3:
        return text.replace("'", "\u2019")
    if variant == 4:
        return text.replace("\u2014", "--").replace("\u2026", "...")
    return text


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def blockers_of(language: str) -> Iterator[tuple[str, str]]:
    for kind, phrases in BLOCKERS[language].items():
        for phrase in phrases:
            yield kind, phrase


def adversarial() -> Iterator[tuple[str, str, str]]:
    """(language, kind of blocker, reply) for every accept x blocker x position; none is an accept."""
    seed = 0
    for language, accepts in ACCEPTS.items():
        mixed = [] if language == "en" else list(blockers_of("en"))
        for accept in accepts:
            # Its own language's blockers in every position; English ones (replies mix languages) in two.
            for positions, blockers in ((POSITIONS, list(blockers_of(language))), (POSITIONS[::5], mixed)):
                for kind, blocker in blockers:
                    for position in positions:
                        seed += 1
                        text = position.format(a=accept, b=blocker, B=_capitalised(blocker))
                        yield language, kind, _variants(text, seed)


def every_accept() -> list[str]:
    return [a for accepts in ACCEPTS.values() for a in accepts]


def every_blocker() -> list[str]:
    return [b for language in BLOCKERS for _, b in blockers_of(language)]


INTRO_WORDS = (
    "Priya, meet Riley: Riley leads sales at Acme and would like to hear how your team handles onboarding. "
    "If you have time next week, I think you two would get on well. I'll let you take it from here."
)
SIGNATURE = "Best,\nMargaret Hale\nManaging Partner | Hale Ventures\n+44 20 7946 0000"
DISCLAIMER = (
    "CONFIDENTIALITY NOTICE: This email and any attachments are confidential and may be privileged. If you are "
    "not the intended recipient, please notify the sender and delete it; do not copy, forward or rely on it."
)

# Whole visible replies (quotes already cut by replies.visible_text) that are unconditional yeses.
PLAIN_YES = [
    "Yes, happy to introduce them.",
    "Sure!",
    "Gerne.",
    "Avec plaisir",
    "Claro que sí",
    "Sim, com prazer",
    "Ja, graag",
    "Volentieri",
    "OK, will do",
    "Happy to \u2014 I'll send it today",
    "Of course!",
    "Absolutely.",
    "No problem, I'll make the intro.",
    "Not a problem at all.",
    "Why not!",
    "I can't say no to Riley.",
    "YES",
    "yes please",
    "Sure thing, consider it done.",
    "Oui, bien sûr.",
    "Sí, con mucho gusto.",
    "Sì, certo!",
    "Natuurlijk, met plezier.",
    "Kein Problem, mache ich gerne.",
    "Hi Riley,\n\nYes, happy to.\n\n" + SIGNATURE,
    "Hi Riley,\nSure, happy to introduce you.\nBest,\nMargaret",
    "Thanks for thinking of me!\n\nHappy to do it.\n\nMargaret",
    "Sure, happy to.\n\n" + INTRO_WORDS + "\n\n" + SIGNATURE,
    "Yes!\n\n" + SIGNATURE + "\n\n" + DISCLAIMER,
    "Absolutely, I'll introduce them today.\n\n" + DISCLAIMER,
    "Hallo Riley,\n\nja, gerne.\n\nViele Grüße\nMargaret",
    "Bonjour Riley,\n\nOui, avec plaisir !\n\nCordialement,\nMargaret",
    "Hola Riley:\n\nClaro, con gusto.\n\nSaludos,\nMargaret",
    "Olá Riley,\n\nSim, com todo o prazer.\n\nAbraços,\nMargaret",
    "Ciao Riley,\n\nSì, volentieri!\n\nUn saluto,\nMargaret",
    "Hoi Riley,\n\nJa, graag!\n\nMet vriendelijke groet,\nMargaret",
    "Sorry for the slow reply \u2014 yes, happy to!",
    "Sure. Talk soon!",
    "Ja, gerne!\n\nBis bald\nMargaret",
    "Yes - happy to. Let me know if you need anything else.",
    "Sí, claro. Se lo presento hoy.",
    "Ja, kein Problem. Ich melde mich heute bei ihr.",
    "Sure, I will do it right away.",
    "Absolutely, I know Priya well and would be happy to connect you.",
    "Sure, let me know what you'd like me to say.",
    "Ja hoor, ik stel jullie graag aan elkaar voor.",
    "Certo, li metto in contatto oggi stesso.",
    "Sim, claro! Faço a apresentação hoje.",
    "Oui, je m'en occupe aujourd'hui.",
    "\U0001f44d",
]

# Hand-written attempts beyond the generated combinations (other wordings of the same classes); none is an accept.
ATTACKS = [
    "Yes, I'll introduce them after I'm back from leave.", "Sure \u2014 let me first check with Priya.",
    "Yes, the moment the contract is signed.", "Of course, no rush on my end but not this week",
    "Happy to help down the line.", "Yes (pending her OK).", "Sure, I would if I could.",
    "Yes, I'm keen, bar any surprises.", "Sure... no.", "Yes. No. Maybe.", "Yes. Oops, I meant no.",
    "Sure, I'm happy to \u2014 NOT.", "Yeah nah.", "Of course I won't.", "Sure, in a fortnight.",
    "Happy to do it in the new year.", "Absolutely, post-launch.", "Yes, after the summer break.",
    "Yes, only if you buy me lunch.", "Definitely, tentatively.", "Sure, let's revisit.", "OK, I'll sleep on it.",
    "Yes, ask me again in May.", "Ja, gerne, aber erst im neuen Jahr.", "Ja, sobald ich zur\u00fcck bin.",
    "Ja. Nein, doch nicht.", "Oui, d\u00e8s mon retour.", "D'accord, sous condition.", "S\u00ed, cuando vuelva.",
    "Vale, si me confirmas.", "Claro, mas s\u00f3 no m\u00eas que vem.", "S\u00ec, al mio ritorno.",
    "Certo, ma non subito.", "Prima, maar pas na de zomer.", "Yes; then again, maybe not.", "YES BUT NO",
    "I'd be delighted, alas I'm away.", "Yes, in the coming weeks.", "Happy to in Q2", "Sure, in 2 weeks",
    "Yes, I need to ask Priya", "Yes, b\u200but n\u200bot now", "Yes please \u2014 oh wait, I can't.",
    "Yep. Nope.", "Okay... fine... no.", "Yes if you want.", "Yes, let me know if she agrees.",
]  # fmt: skip
