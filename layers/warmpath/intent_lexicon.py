"""The words ``warmpath.intent`` reads, per kind, in English, German, French, Spanish, Portuguese, Italian and Dutch.

Every phrase is a regular expression over *folded* text (``intent.fold``: lower case, accents removed,
typographic apostrophes as ``'``, dashes as " - ", "…" as "..."), matched as whole words. The lists are by
kind, not by language: a German "aber" blocks an English "Sure" as well, since a reply may mix them.

- ``YES_IDIOMS`` are rewritten to "yes" before anything else is read: they mean yes although they hold a
  negation ("no problem", "why not", "I can't say no", "kein Problem", "pas de souci", "nessun problema").
- ``NOISE`` is removed first too: an apology for replying late is not a refusal ("sorry for the delay").
- ``ACCEPT``: what can make an accept. ``NEGATED_ACCEPT``: an accept phrase a negation turns round ("not happy
  to", "absolutely not", "claro que no"); these count as refusals, never as accepts.
- The blockers, each by kind (``BLOCKERS``): a negation or refusal, a condition, a deferral, a reversal, a
  hedge, a contrast. Any one of them in the answer blocks an accept.
"""

from __future__ import annotations

# Rewritten to "yes" (a yes, though it holds a negation or a blocker word). Longest first where they overlap.
YES_IDIOMS = [
    # English
    r"no problem(s|o)?( at all)?", r"not a problem( at all)?", r"no prob(lem|s)?", r"no worries( at all)?",
    r"not an issue", r"no issues?", r"no trouble( at all)?", r"why not(\s*[?!.]+|(?=\s*([,;:)]|-|$)))",
    r"(i )?(can'?t|cannot|could ?n'?t|can not) (possibly )?say no", r"how could i (possibly )?say no",
    r"(i )?(don'?t|do not|wouldn'?t|would not) mind( at all)?", r"no objections?", r"nothing would make me happier",
    r"couldn'?t be happier", r"no doubt about it", r"without a doubt", r"no question about it",
    r"(i )?can'?t wait to", r"(i )?(don'?t|do not) see why not(\s*[?!.]+|(?=\s*([,;:)]|-|$)))",
    r"why wouldn'?t i(\s*[?!.]+|(?=\s*([,;:)]|-|$)))", r"(i )?(never|rarely) say no", r"hard to say no",
    r"no reason not to",
    # German
    r"(gar |uberhaupt )?kein problem", r"keine ursache", r"kein thema", r"keine frage",
    r"warum (denn )?nicht(\s*[?!.]+|(?=\s*([,;:)]|-|$)))",
    r"(ich )?kann (doch )?nicht nein sagen", r"nichts dagegen", r"nichts lieber als (das|dies)",
    r"ohne frage", r"ohne zweifel", r"gerne doch",
    # French
    r"(il n'y a )?pas de (souci|soucis|probleme|problemes|soucy)", r"aucun (souci|probleme)",
    r"sans (aucun )?(souci|probleme)",
    r"pas un probleme", r"pourquoi pas(\s*[?!.]+|(?=\s*([,;:)]|-|$)))", r"(ca|cela) ne me derange pas",
    r"je ne peux pas dire non",
    r"sans aucun doute", r"il n'y a pas de quoi",
    # Spanish
    r"no hay (ningun )?problema", r"sin (ningun )?problemas?", r"no me importa", r"no puedo decir que no",
    r"¿?\s*(por que|porque|como) no(\s*[?!.]+|(?=\s*([,;:)]|-|$)))",
    r"se (lo|la|los|las|les|le) (presento|presentare|envio|enviare|mando|mandare|paso|pasare)", r"desde luego",
    r"faltaria mas", r"sin duda( alguna)?", r"ningun problema",
    # Portuguese
    r"sem (nenhum )?problemas?", r"nao (ha|tem) (nenhum )?problema", r"nao me importo", r"nao posso dizer (que )?nao",
    r"por ?que nao(\s*[?!.]+|(?=\s*([,;:)]|-|$)))", r"sem duvida( alguma)?", r"nenhum problema",
    # Italian
    r"nessun problema", r"non c'e (nessun )?problema", r"non c'e di che", r"perche no(\s*[?!.]+|(?=\s*([,;:)]|-|$)))",
    r"come no(\s*[?!.]+|(?=\s*([,;:)]|-|$)))", r"non posso dire di no", r"ma certo", r"ma certamente", r"ma (si|yes)",
    r"ma figurati",
    r"ci penso io", r"senza dubbio", r"ci mancherebbe( altro)?",
    # Dutch
    r"(geen|geen enkel) (probleem|punt|bezwaar|moeite)", r"waarom niet(\s*[?!.]+|(?=\s*([,;:)]|-|$)))",
    r"(ik )?kan geen nee zeggen",
]  # fmt: skip

# Removed before reading: an apology for answering late is not a refusal.
NOISE = [
    r"(sorry|apologies|apologi[sz]e|so sorry) (for|about) (the|my) (late|slow|delayed)( reply| response| answer)?",
    r"(sorry|apologies) (for|about) the (delay|wait)", r"sorry (for|about) (replying|getting back) (so )?late",
    r"(sorry|entschuldigung|entschuldige) (fur|wegen) (die|der) (spate|verspatete|verzogerte)n? (antwort|ruckmeldung)",
    r"(desole|desolee|pardon) (pour le|du) retard", r"(perdon|disculpa|disculpe|perdona) (por )?la (demora|tardanza)",
    r"(desculpe|desculpa|perdao) (pela|a) demora", r"(scusa|scusate|scusami|scusi) (per )?il ritardo",
    r"sorry voor (de|het) (late|trage) (reactie|antwoord)",
    r"first thing( (tomorrow|today|in the morning|monday|this afternoon))?",
    # The closing offer of more help is not a condition on the answer.
    r"(let me know|just shout|shout|tell me) if (you need|there is|there'?s|i can (do|help with)) (anything|something|"
    r"more|further)( else| more)?( i can do)?", r"(let me know|just shout) if you have any( other| further)? questions",
    r"if you need anything( else)?,? (let me know|just shout|just ask)",
    # Goodbyes ("talk soon", "bis bald", "hasta luego") are not deferrals.
    r"(talk|speak|see you|catch you|chat)( to you| with you)? (soon|later)", r"bis (bald|dann|morgen|spater)",
    r"a (bientot|plus tard|tout a l'heure|plus)", r"hasta (luego|pronto|manana|la vista)", r"ate (logo|breve|mais)",
    r"a presto", r"tot (ziens|snel|later|straks|gauw)",
]  # fmt: skip

ACCEPT = [
    # English
    r"yes", r"yep", r"yup", r"yeah", r"yea", r"yas", r"sure", r"sure thing", r"certainly", r"definitely",
    r"absolutely", r"of course", r"ofc", r"ok", r"okay", r"okey", r"okie", r"alright", r"all right",
    r"(more than )?happy to", r"glad to", r"pleased to", r"delighted", r"(i'?d|i would) love to", r"love to",
    r"with pleasure", r"my pleasure", r"gladly", r"will do", r"can do", r"sounds (good|great|fine)", r"works for me",
    r"go ahead", r"go for it", r"count me in", r"i'?m in", r"by all means", r"for sure", r"you bet", r"agreed",
    r"i can (do|help|introduce|make|connect|set|send|reach)", r"consider it done", r"on it", r"done",
    r"(i'?ll|i will|i shall) (do|make|send|introduce|connect|set|reach|write|loop|email|ping|put|draft|handle|take)",
    "\U0001f44d", "\U0001f44c",
    # German
    r"ja", r"jawohl", r"jep", r"klar", r"na klar", r"klaro", r"logo", r"gerne?", r"sehr gerne?", r"naturlich",
    r"selbstverstandlich", r"sicher", r"sicherlich", r"auf jeden fall", r"unbedingt", r"absolut", r"mach(e)? ich",
    r"machen wir", r"wird gemacht", r"einverstanden", r"alles klar", r"geht klar", r"passt", r"in ordnung",
    r"mit vergnugen", r"freut mich", r"(ich )?stelle (sie|euch|ihn|dich|die beiden) (gerne |gern )?vor",
    r"ich kummere mich",
    # French
    r"oui", r"ouais", r"ouaip", r"(avec )?(grand )?plaisir", r"(bien )?volontiers", r"bien sur", r"bien entendu",
    r"d'accord", r"dac", r"certainement", r"absolument", r"evidemment", r"carrement", r"tout a fait", r"entendu",
    r"je m'en occupe", r"ca marche", r"c'est (parti|note|fait)", r"ravie?", r"je serais ravie?", r"parfait",
    r"je (vous|te|les) (mets|mettrai|presente|presenterai)", r"je fais (l'intro|les presentations|la presentation)",
    # Spanish
    r"claro", r"claro que (yes|si)", r"por supuesto", r"(con )?(mucho )?gusto", r"encantad[oa]s?", r"vale",
    r"de acuerdo", r"perfecto", r"dale", r"hecho", r"cuenta conmigo", r"lo hago", r"adelante", r"seguro", r"listo",
    r"(te|os|les|los|las) (lo |la |los |las )?presento",
    # Portuguese
    r"sim", r"com (todo o |muito )?(prazer|gosto)", r"com certeza", r"certamente", r"pode deixar", r"combinado",
    r"beleza", r"fechado", r"perfeito", r"evidentemente", r"obviamente", r"e pra ja", r"bora",
    r"(vou|posso) (apresentar|fazer a (apresentacao|introducao))", r"faco a (apresentacao|introducao)",
    r"apresento",
    # Italian
    r"(ben )?volentieri", r"volentierissimo", r"certo", r"certissimo", r"con (molto )?piacere", r"d'accordo",
    r"va bene", r"senz'altro", r"assolutamente", r"sicuro", r"sicuramente", r"perfetto", r"lo faccio", r"fatto",
    r"ottimo", r"figurati", r"(li|vi|ve li|te li|glieli) (metto in contatto|presento)", r"con gioia",
    # Dutch
    r"jazeker", r"graag", r"(heel )?graag", r"met (alle |veel )?plezier", r"natuurlijk", r"tuurlijk", r"zeker",
    r"zeker weten", r"prima", r"goed", r"is goed", r"oke", r"okee", r"komt goed", r"doe ik", r"regel ik",
    r"ik regel het", r"akkoord", r"uiteraard", r"leuk", r"top", r"helemaal goed",
    r"ik stel (jullie|ze|hem|haar|je|u) (graag )?(aan elkaar )?voor",
]  # fmt: skip

# A negation just before an accept phrase ("not happy to"), or just after it ("absolutely not", "claro que
# no"), turns it into a refusal.
NEGATORS_BEFORE = (
    r"not|never|hardly|(do|does|did|ca|can|could|would|should|wo|sha|is|are|am|was|were|have|has|had|must|need|ai)n'?t|"
    r"cannot|nicht|nie|niemals|kein|keine|pas|jamais|non|nao|niet|nooit|nunca|jamas|mai"
)
NEGATORS_AFTER = r"(que |che |di |dass )?(not|no|non|nicht|pas|nao|niet|nee|nein|niente)"

# fmt: off
BLOCKERS: dict[str, list[str]] = {
    "negation": [
        # English
        r"no", r"nope", r"nah", r"not", r"never", r"nor", r"neither", r"none", r"nothing", r"nobody", r"no way",
        r"(do|does|did|ca|can|could|would|should|wo|sha|is|are|am|was|were|have|has|had|must|need|ai)n'?t", r"cannot",
        r"rather not", r"(prefer|preferred) (not|you|that|if)", r"decline", r"unable", r"refuse", r"sorry",
        r"unfortunately", r"afraid", r"regret(tably)?", r"reluctant(ly)?", r"hesitant", r"uncomfortable",
        r"too busy", r"impossible", r"negative", r"pass on (this|that|it)", r"(i'?ll|i will|i'?m going to|"
        r"gonna|i have to|i must|i'?d|i'?d like to|have to|going to|i) pass(?! (it|this|that|them|him|her|your|"
        r"the|along|on (to|your|the|her|his|their)))",
        # German
        r"nein", r"nicht", r"nie", r"niemals", r"kein\w*", r"leider", r"lieber nicht", r"ungern", r"bedaure",
        r"auf keinen fall", r"keinesfalls", r"unmoglich", r"nichts",
        # French
        r"non", r"pas", r"jamais", r"rien", r"aucun\w*", r"nullement", r"n'\w+", r"ne \w+ (plus|guere|point)",
        r"hors de question", r"malheureusement", r"desolee?s?", r"navree?s?",
        # Spanish
        r"nunca", r"jamas", r"ningun\w*", r"nada", r"tampoco", r"ni", r"lamentablemente", r"desafortunadamente",
        r"(lo )?siento", r"lo lamento", r"imposible", r"de ninguna manera", r"ni hablar", r"desgraciadamente",
        # Portuguese
        r"nao", r"nenhum\w*", r"infelizmente", r"desculp\w*", r"lamento", r"nem", r"impossivel",
        # Italian
        r"mai", r"nessun\w*", r"niente", r"nulla", r"purtroppo", r"(mi )?dispiace", r"spiacente", r"neanche",
        r"nemmeno", r"neppure", r"macche", r"impossibile",
        # Dutch
        r"nee", r"neen", r"niet", r"geen", r"nooit", r"helaas", r"geenszins",
        # Idioms of refusal, counterfactuals ("would have been happy to"), wishes, sarcasm and emoji
        r"yeah,? right", r"yea,? right", r"over my dead body", r"in your dreams", r"dream on", r"fat chance",
        r"naw", r"nay", r"jein", r"wish", r"wunschte", r"ojala", r"quem me dera", r"would have", r"would'?ve",
        r"could have", r"could'?ve", r"hatte", r"aurais", r"aurait", r"habria", r"hubiera", r"teria", r"avrei",
        r"zou (graag )?hebben", r"had graag", r"/s", "\U0001f44e", "\u274c", "\U0001f6ab", "\u270b",
        # Other languages' no, but and if, so that a "ja" or "ok" in a language not read is never a yes
        r"inte", r"ikke", r"ikkje", r"nej", r"nei", r"aldri", r"aldrig", r"tyvarr", r"dessverre", r"desvaerre",
        r"nie", r"ei", r"hayir", r"degil",
        r"alas", r"sadly", r"unluckily", r"helas", r"por desgracia", r"sfortunatamente", r"jammer",
    ],
    "condition": [
        # English
        r"if", r"once", r"as soon as", r"only after", r"unless", r"provided", r"providing", r"as long as",
        r"so long as", r"assuming", r"depending", r"depends", r"dependent", r"when", r"whenever", r"subject to",
        r"in case", r"contingent", r"on condition", r"conditional", r"until", r"till", r"whether", r"pending",
        # German
        r"wenn", r"falls", r"sofern", r"sobald", r"solange", r"vorausgesetzt", r"es sei denn", r"voraussetzung",
        r"bedingung", r"erst", r"abhangig", r"je nachdem", r"kommt (darauf|drauf) an", r"nachdem", r"bis",
        # French
        r"si", r"s'ils?", r"s'elles?", r"sauf", r"a (la )?condition", r"pourvu", r"des que", r"une fois",
        r"quand", r"lorsqu('\w+|e)", r"tant que", r"a moins", r"sous reserve", r"au cas ou", r"selon", r"en fonction",
        r"depend\w*", r"jusqu'\w+",
        # Spanish
        r"siempre que", r"siempre y cuando", r"con tal", r"cuando", r"en cuanto", r"una vez", r"tan pronto",
        r"a menos", r"salvo", r"en caso", r"a condicion", r"dependiendo", r"depende", r"mientras", r"hasta",
        # Portuguese
        r"se", r"caso", r"desde que", r"contanto", r"quando", r"assim que", r"logo que", r"uma vez", r"a nao ser",
        r"enquanto",
        r"sob condicao", r"ate",
        # Italian
        r"purche", r"a patto", r"a condizione", r"appena", r"una volta", r"sempre che", r"dipende", r"finche",
        r"nel caso", r"qualora", r"fino a",
        # Dutch
        r"als", r"indien", r"mits", r"zodra", r"eenmaal", r"tenzij", r"wanneer", r"zolang", r"op voorwaarde",
        r"afhankelijk",
        r"hangt (ervan |er )?af", r"pas", r"totdat", r"tot (na|de|het|volgende|dat)",
        r"iff", r"conditional\w*", r"condicion\w*", r"condicao", r"condicoes", r"condizion\w*",
        r"voorwaarde\w*", r"bedingung\w*", r"bedingt", r"unter umstanden", r"assum\w*", r"hypothetical\w*",
        r"conditions?", r"bar (any|a|an|the)", r"understanding that", r"on the basis that", r"barring",
        r"save for",
        r"other than", r"god willing", r"inshallah", r"insha'?allah", r"fingers crossed", r"touch wood",
        r"knock on wood", r"(need|needs|have|has|would have|got|want) to", r"would need", r"must", r"gotta",
        r"caveats?", r"provisos?", r"stipulation", r"catch", r"given that", r"permitting",
        r"allowing", r"permission", r"approval", r"consent", r"blessing", r"vorbehalt", r"om(?! te(?![\w'])| \d)",
        r"hvis", r"nar",
        r"jesli", r"jezeli", r"pokud", r"jos", r"eger",
    ],
    "deferral": [
        # English
        r"not now", r"not right now", r"not yet", r"later", r"after", r"afterwards", r"next (week|month|quarter|"
        r"year|time)", r"in (a|one|two|three|a few|a couple of|few) (days|weeks|months)", r"some ?(time|day)",
        r"at some point", r"down the (road|line)", r"let me (think|check|see|get back|come back|ask|sleep)",
        r"get back to you", r"come back to you", r"circle back", r"revisit", r"maybe", r"perhaps", r"possibly",
        r"might", r"may", r"eventually", r"postpone", r"hold off", r"first", r"before", r"in due course",
        r"(after|over) the (holidays|summer|break|weekend)", r"soon as",
        # German
        r"nicht jetzt", r"spater", r"nach", r"nachste\w*", r"kommende\w*", r"vielleicht", r"eventuell", r"evtl",
        r"moglicherweise", r"womoglich", r"lass mich", r"lassen sie mich", r"(ich )?(uberlege|denke daruber nach)",
        r"melde mich(?! (heute|gleich|sofort|direkt|noch heute) bei (ihr|ihm|ihnen|euch|beiden))", r"noch nicht",
        r"irgendwann", r"demnachst", r"vorher", r"zuerst", r"zunachst", r"erstmal",
        # French
        r"pas maintenant", r"pas tout de suite", r"plus tard", r"apres", r"(semaine|mois|annee) prochaine?",
        r"prochaine?", r"peut[ -]etre", r"reflechir", r"laisse[zr]?[ -]moi", r"je reviens vers", r"je (te|vous) redis",
        r"pas encore", r"eventuellement", r"un jour", r"prochainement", r"d'abord", r"ulterieurement",
        # Spanish
        r"ahora no", r"no ahora", r"mas tarde", r"despues", r"luego", r"(la |el )?(proxima|proximo) (semana|mes)",
        r"(la semana|el mes|el ano) que viene", r"quizas?", r"tal vez", r"a lo mejor", r"dejame", r"dejeme",
        r"pensarlo", r"lo pienso", r"lo pensare", r"te aviso", r"te digo algo", r"todavia no", r"aun no",
        r"en otro momento", r"mas adelante", r"primero", r"antes",
        # Portuguese
        r"agora nao", r"mais tarde", r"depois", r"(semana|mes) que vem", r"(proxima|proximo) (semana|mes)", r"talvez",
        r"quem sabe", r"deix[ae][ -]me", r"vou pensar", r"pensar", r"ainda nao", r"mais para frente",
        r"outra hora", r"qualquer dia", r"aviso", r"te falo", r"antes",
        # Italian
        r"non ora", r"non adesso", r"piu tardi", r"dopo", r"piu avanti", r"(la )?prossima settimana",
        r"settimana prossima", r"(il )?mese prossimo", r"forse", r"magari", r"ci penso", r"fammi", r"ci devo pensare",
        r"ti faccio sapere", r"ti so dire", r"non ancora", r"prima o poi", r"un altro momento",
        r"prima (di|che|devo|dovrei|vorrei|voglio|sento|parlo)",
        # Dutch
        r"niet nu", r"na (de|het|afloop|mijn|onze|kerst|pasen)", r"volgende? (week|maand|kwartaal|jaar)", r"misschien",
        r"wellicht", r"mogelijk",
        r"denk erover na", r"laat me", r"nadenken", r"kom erop terug", r"nog niet", r"ooit", r"eerst", r"binnenkort",
        # Any time named a week or more away: months, seasons, holidays, "the future", "in two weeks"
        r"january|february|march|april|june|july|august|september|october|november|december",
        r"januar|februar|marz|mai|juni|juli|oktober|dezember|janvier|fevrier|mars|avril|juin|juillet|aout|"
        r"septembre|octobre|novembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|"
        r"octubre|noviembre|diciembre|janeiro|fevereiro|marco|maio|junho|julho|setembro|outubro|novembro|"
        r"dezembro|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|"
        r"maart|mei|augustus",
        r"spring|summer|autumn|fall|winter|fruhling|fruhjahr|sommer|herbst|printemps|automne|hiver|primavera|"
        r"verano|otono|invierno|verao|outono|inverno|estate|autunno|lente|zomer|herfst",
        r"christmas|xmas|easter|new year|thanksgiving|weihnachten|ostern|silvester|noel|paques|navidad|pascua|"
        r"natal|pascoa|natale|pasqua|kerst|pasen|holidays?|vacation|urlaub|ferien|feiertage\w*|vacances|"
        r"vacaciones|ferias|vacanze|ferie|vakantie|feestdagen",
        r"(in )?(the )?future", r"soonish", r"laterish", r"l8r", r"subsequently", r"postpon\w*",
        r"delay\w*", r"on hold", r"think (about|it over|on|it through)",
        r"thinking (about it|it over|it through)", r"still thinking",
        r"(coming|next few|next couple of|few|several|couple of) (days|weeks|months)", r"fortnight",
        r"post[- ]\w+", r"back from", r"i'?m back", r"when back", r"once back", r"returns?",
        r"(?<!right )(?<!straight )away",
        r"out of (the )?office", r"travell?ing", r"on leave", r"a partir", r"a partire", r"retour", r"ritorno",
        r"regreso", r"vuelta", r"vuelva", r"volver", r"na volta", r"voltar", r"ruckkehr", r"zuruck", r"terug",
        r"q[1-4]", r"quarter",
        r"(in|within|for|after) (a|an|one|two|three|four|a few|a couple( of)?|few|several|some|\d+) (more )?"
        r"(days?|weeks?|months?|years?)",
        r"\d+ (wochen|tagen?|monaten?|jours|semaines|mois|dias|semanas|meses|giorni|settimane|mesi|dagen|weken|"
        r"maanden)",
        r"let'?s (discuss|talk|chat|speak|catch up|find a time)", r"discuss", r"another (time|day|week|month)",
        r"other time", r"in a (bit|while)",
        r"(end|beginning|start) of (the )?(week|month|quarter|year)", r"give me", r"bear with me", r"sleep on it",
        r"check", r"(let me|need to|have to|must|to) (confirm|verify)", r"run (it|this) by",
        r"ask (her|him|them) first", r"below", r"see (my )?(notes?|comments?)",
        r"in (einer|zwei|drei|ein paar|paar|einigen) (woche|wochen|tagen|monat|monaten)", r"wir werden sehen", r"unten",
        r"dans (un|une|deux|trois|quelques) (jours|semaines|mois)", r"je verrai", r"on verra", r"a terme",
        r"ci-dessous", r"dentro de", r"ya veremos", r"veremos", r"abajo", r"a continuacion", r"daqui a",
        r"vamos ver", r"abaixo", r"tra|fra", r"vedremo", r"vediamo", r"(qui )?sotto", r"di seguito",
        r"over (een|twee|drie|een paar|enkele) (dag|dagen|week|weken|maand|maanden)", r"we zien wel",
        r"zien we wel", r"hieronder",
        r"senere", r"senare", r"kanske", r"kanskje", r"maske", r"pozniej", r"moze", r"pozdeji", r"mozna",
        r"myohemmin", r"ehka", r"sonra", r"belki",
    ],
    "reversal": [
        # English
        r"actually", r"on second thoughts?", r"on reflection", r"scratch that", r"wait", r"never ?mind", r"hold on",
        r"hang on", r"hmm+", r"hm+", r"m{3,}", r"um+", r"uh+", r"erm+", r"uhm+", r"come to think", r"thinking about it",
        r"having thought", r"i take (that|it) back", r"ignore (that|this|my)", r"correction", r"i mean",
        r"let me rephrase", r"one (sec|second|moment)", r"just a (sec|second|moment)", r"then again",
        # German
        r"eigentlich", r"doch nicht", r"moment", r"warte\w*", r"vergiss es", r"vergessen sie", r"halt",
        r"andererseits", r"bei naherem", r"nach reiflicher", r"nochmal uberlegt", r"streich das", r"kommando zuruck",
        r"ach nein", r"ah nein", r"augenblick",
        # French
        r"en fait", r"finalement", r"attend(s|ez)", r"oublie[zr]?", r"tout bien reflechi", r"a la reflexion",
        r"reflexion faite", r"au fait", r"euh+", r"heu+",
        # Spanish
        r"en realidad", r"pensandolo", r"espera", r"espere", r"olvid\w*", r"mejor no", r"de hecho", r"eh+",
        # Portuguese
        r"na verdade", r"pensando bem", r"esquece", r"esqueca", r"alias", r"repensando",
        # Italian
        r"in realta", r"a pensarci", r"pensandoci", r"ripensandoci", r"aspett\w*", r"lascia (perdere|stare)",
        r"anzi", r"ehm+", r"veramente",
        # Dutch
        r"bij nader inzien", r"wacht", r"laat maar", r"toch niet", r"vergeet het", r"achteraf",
        r"just kidding", r"wait\w*", r"second thoughts?", r"reconsider\w*", r"rethink\w*",
        r"change(d)? my mind", r"strike that", r"disregard\w*", r"ignore", r"kidding", r"jk", r"j/k", r"joking",
        r"forget it", r"vent", r"vanta", r"egentlig\w*",
        r"faktisk\w*",
    ],
    "hedge": [
        # English
        r"i guess", r"i suppose", r"probably", r"i think", r"i believe", r"i reckon", r"i imagine", r"i expect",
        r"i hope", r"hopefully", r"not sure", r"unsure", r"kind of", r"sort of", r"kinda", r"sorta", r"in principle",
        r"in theory", r"tentatively", r"provisionally", r"i'?ll try", r"try", r"could", r"should", r"likely",
        r"presumably", r"more or less", r"i'?d say", r"if i must", r"reluctantly", r"i think so",
        # German
        r"ich denke", r"ich glaube", r"ich schatze", r"ich hoffe", r"hoffentlich", r"wahrscheinlich", r"vermutlich",
        r"wohl", r"versuch\w*", r"mal (sehen|schauen|gucken)", r"schauen wir", r"im prinzip", r"grundsatzlich",
        r"sollte", r"konnte", r"eher",
        # French
        r"je pense", r"je crois", r"je suppose", r"probablement", r"sans doute", r"essayer?", r"j'espere",
        r"en principe", r"normalement", r"a priori", r"il me semble",
        # Spanish
        r"supongo", r"creo", r"probablemente", r"intentare", r"intentar", r"espero", r"en principio",
        r"puede (ser|que)", r"posiblemente", r"en teoria",
        # Portuguese
        r"acho", r"suponho", r"provavelmente", r"vou tentar", r"tentar", r"em principio", r"possivelmente",
        r"pode ser",
        # Italian
        r"credo", r"penso", r"suppongo", r"probabilmente", r"provero", r"provare", r"spero", r"in teoria",
        r"in linea di principio", r"dovrei", r"potrei", r"possibilmente",
        # Dutch
        r"ik denk", r"denk ik", r"ik neem aan", r"waarschijnlijk", r"proberen", r"probeer", r"hopelijk",
        r"in principe", r"zou moeten", r"vermoedelijk",
        r"ish", r"provisional\w*", r"tentative\w*", r"theoretical\w*", r"undecided", r"on the fence", r"torn",
        r"uncertain\w*", r"doubt\w*", r"hesita\w*", r"mayhaps", r"perchance", r"conceivabl\w*", r"vorlaufig",
        r"normally", r"usually", r"typically", r"generally", r"ordinarily", r"theoretically",
        r"theoretisch", r"prinzipiell", r"en theorie", r"teoricamente", r"in theorie",
        "\U0001f914", "\U0001f62c", "\U0001f643", "\U0001f612", "\U0001f644", "\U0001f615", "\U0001f610",
        "\U0001f928", "\U0001f937",
    ],
    "contrast": [
        # English
        r"but", r"however", r"though", r"although", r"except", r"excepting", r"that said", r"yet", r"only",
        r"instead", r"rather", r"whereas", r"nevertheless", r"nonetheless", r"otherwise", r"apart from",
        # German
        r"aber", r"jedoch", r"allerdings", r"obwohl", r"obgleich", r"sondern", r"nur", r"trotzdem", r"dennoch",
        r"ausser", r"bloss", r"wobei", r"stattdessen", r"lieber",
        # French
        r"mais", r"cependant", r"pourtant", r"toutefois", r"neanmoins", r"seulement", r"par contre",
        r"en revanche", r"bien que", r"meme si", r"quoique", r"plutot",
        # Spanish
        r"pero", r"sin embargo", r"aunque", r"excepto", r"solo", r"solamente", r"no obstante", r"a pesar",
        r"eso (si|yes)", r"mas", r"en vez", r"en lugar",
        # Portuguese
        r"porem", r"contudo", r"entretanto", r"embora", r"exceto", r"apenas", r"somente", r"no entanto",
        r"todavia", r"mesmo que", r"ainda que",
        # Italian
        r"ma", r"tuttavia", r"comunque", r"anche se", r"sebbene", r"benche", r"tranne", r"soltanto", r"eccetto",
        r"invece", r"piuttosto",
        # Dutch
        r"maar", r"echter", r"hoewel", r"alleen", r"behalve", r"toch", r"desondanks", r"ondanks", r"liever",
        r"men", r"dock", r"tho", r"altho", r"even so", r"mind you", r"having said that", r"bara", r"ale", r"mutta",
        r"ama",
    ],
}
# fmt: on

DONT_KNOW = [
    r"(don'?t|do not|didn'?t) (really )?know (him|her|them|this person)",
    r"not sure i know", r"barely know", r"hardly know", r"(haven'?t|have not) (spoken|talked|been in touch)",
    r"not (that |very |really )?close", r"know (him|her|them) (only )?(well enough|a little|slightly|vaguely)",
    r"(not|n'?t) (know|knows) .{0,20}well enough", r"lost touch", r"met (him|her|them) once",
    r"kenne (ihn|sie) (kaum|nicht (so |wirklich )?gut|nur (flüchtig|fluchtig|oberflachlich|vom sehen))",
    r"je ne (le|la|les) connais (pas|presque pas|guere)", r"je (le|la|les) connais (peu|mal|a peine)",
    r"no (lo|la|los|las|le) conozco", r"apenas (lo|la|los|las|le) conozco",
    r"nao (o|a|os|as) conheco", r"mal (o|a|os|as) conheco", r"nao conheco (ele|ela)",
    r"non (lo|la|li|le) conosco", r"(lo|la|li|le) conosco (appena|poco)",
    r"ik ken (hem|haar|ze) (niet|nauwelijks|amper|maar oppervlakkig|nauwelijks)",
]  # fmt: skip

# A line that opens a reply before its answer: a greeting or a thank-you (with up to three capitalised names).
OPENING = (
    r"(hi|hello|hey|hiya|dear|good (morning|afternoon|evening)|morning|hallo|hi zusammen|liebe[rs]?|"
    r"sehr geehrte[rs]?|guten (morgen|tag|abend)|moin|servus|gruss gott|bonjour|bonsoir|salut|cher|chere|coucou|"
    r"hola|buenos dias|buenas( tardes| noches)?|estimad[oa]s?|querid[oa]s?|ola|oi|bom dia|boa (tarde|noite)|"
    r"prezad[oa]s?|car[oa]|cari|ciao|salve|buongiorno|buonasera|gentile|hoi|beste|goedemorgen|goedemiddag|"
    r"goedenavond|dag|thanks|thank you|many thanks|thanks (so|very) much|thank you (so|very) much|thx|"
    r"danke( dir| ihnen| euch)?( schon| sehr)?|vielen dank|merci( beaucoup)?|gracias|muchas gracias|"
    r"obrigad[oa]|muito obrigad[oa]|grazie( mille)?|bedankt|dank (je|u)( wel)?)"
)
OPENING_TAIL = (
    r"( (for|fur|pour|por|per|voor|pela|pelo|par) [^.!?,]{0,60})?"
    r"(,? (all|both|everyone|team|there|guys|folks|zusammen|alle|tous|todos|a todos|tutti|allemaal|iedereen))?"
)

# A line that closes a reply: a sign-off ("Best,", "Viele Grüße", "Cordialement") with up to three more words.
CLOSING = (
    r"(best|best regards|kind regards|regards|warm regards|warmest regards|warmly|cheers|thanks|thank you|"
    r"many thanks|thanks again|thx|ta|all the best|speak soon|talk soon|sincerely|yours|yours sincerely|br|kr|"
    r"mfg|mit freundlichen grussen|freundliche grusse|viele grusse|beste grusse|liebe grusse|herzliche grusse|"
    r"gruss|grusse|lg|vg|cordialement|bien cordialement|bien a vous|bien a toi|a bientot|amities|bises|"
    r"salutations|merci|saludos|un saludo|atentamente|abrazos|un abrazo|gracias|saudacoes|cumprimentos|"
    r"atenciosamente|abracos|abraco|obrigad[oa]|beijos|cordiali saluti|saluti|un saluto|a presto|grazie|"
    r"met vriendelijke groet(en)?|vriendelijke groet(en)?|groet(en|jes)?|hartelijke groet(en)?|mvg|bedankt)"
)

# A legal disclaimer or confidentiality notice (it neither makes nor blocks an answer).
DISCLAIMER = (
    r"intended recipient|confidential|privileged|disclaimer|this (e-?mail|message|communication) (and any|is|may|"
    r"contains?)|if you (have )?received this|destinataire|vertraulich|empfanger|destinatari[oa]|riservat|"
    r"vertrouwelijk|geadresseerde|confidencial|confidentiel|please consider the environment"
)
