"""The capstone (labs/final): a real program, ZLMediaKit's MediaServer,
runs in Kestrel exactly as on Linux. Graded like a lab, by the same
grader, with tests named final/NAME; it has no exercises (the labs' work
is what it grades), so the checkpoint tool leaves it out.

    mediaserver.py   stage 1: MediaServer -h (the help, its exit status, its trace)

Labs 8 and 9 add the serving stages. Every test is SKIPPED, with the
reason, when MediaServer is not on this machine (see mediaserver.py for
where it is looked for); build its image with `make fsimg MEDIASERVER=1`.
"""
from testing import Lab

lab = Lab("final", "Capstone: MediaServer runs as on Linux")
lab.include("mediaserver")
