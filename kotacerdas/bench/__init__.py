"""The benchmark: `kotacerdas bench` serves the site with the production server and measures it.

A room of its own (not part of core) because it has its own table, two views that exist only while a
benchmark runs, a load generator and a command that sets up data through the other rooms' services;
core is imported by every room and must import none of them.
"""
