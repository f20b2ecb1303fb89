"""What every part of Warmpath uses and no domain owns: settings (``config``), logging, metrics and tracing
(``observability``), the errors handlers translate into answers (``errors``), and exactly-once effects
(``once``)."""
