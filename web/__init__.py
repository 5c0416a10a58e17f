"""The public web section: a face like ``bot/``, over the same engine.

``app.create_app`` builds the Starlette application, ``server`` runs it with uvicorn
(``udbudsbot web``, or inside ``udbudsbot run``). Server-rendered Jinja2 templates, no
JavaScript, Danish first with ``?lang=en``. It reads through engine functions
(``jobs.publish``, ``jobs.directory``, ``jobs.answers``) and never imports ``bot``.
"""
