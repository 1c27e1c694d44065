"""
Demo content for a new site: the stories, districts, sources and pictures ``make run`` loads
(``manage.py seed_demo_data``), and any number of generated stories for benchmarks
(``--articles``). It builds on the articles app like any other user of it.
"""
