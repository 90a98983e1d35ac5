"""The capstone (labs/final): a real program, ZLMediaKit's MediaServer,
runs in Kestrel exactly as on Linux. Graded like a lab, by the same
grader, with tests named final/NAME; it has no exercises (the labs' work
is what it grades), so the checkpoint tool leaves it out.

    msrun.py         running MediaServer in the guest (shared by the stages)
    help.py          stage 1: MediaServer -h (the help, its exit status, its trace)
    serving.py       stage 2 (Lab 8): it serves HTTP and takes an RTSP stream, writing HLS
    network.py       stage 3 (Lab 9): it serves the host through the network card
    players.py       stage 3: it keeps serving 8 host players for a minute
                     (no stall, no kernel warning, no leak)

Every test is SKIPPED, with the reason, when MediaServer is not on this machine (see msrun.py for
where it is looked for); build its image with `make fsimg MEDIASERVER=1`.
"""
from testing import Lab

lab = Lab("final", "Capstone: MediaServer runs as on Linux")
lab.include("help", "serving", "network", "players")
