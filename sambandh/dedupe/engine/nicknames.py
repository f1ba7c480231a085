"""A small table of given-name variants: each group's first name is the canonical form.

Names in several groups (Ron: Ronald, Veronica) are mapped to the first group that names them;
the matcher also compares the canonical forms' phonetics, so a miss here costs little."""

from __future__ import annotations

_GROUPS = """
robert bob bobby rob robbie robby bert rupert
william will bill billy willy liam wil
richard rick ricky dick rich richie
james jim jimmy jamie jem
john jack johnny jon
jonathan jon jonny
michael mike mikey mick mickey
thomas tom tommy thom
joseph joe joey jos
charles charlie chuck chas chaz
christopher chris kit topher
daniel dan danny
david dave davy
edward ed eddie ted teddy ned
elizabeth liz lizzie beth betty eliza libby lisa elisabeth bess
margaret maggie meg peggy marge madge greta margot
katherine kate katie kathy cathy catherine kathryn kat kitty
jennifer jen jenny jenn
patricia pat patty trish tricia
rebecca becky becca
susan sue susie suzanne
deborah deb debbie debra
alexander alex alec sandy xander
alexandra alex sandra lexi
andrew andy drew
anthony tony
benjamin ben benny benji
frederick fred freddy freddie
henry harry hank hal
lawrence larry laurie
matthew matt matty
nicholas nick nicky nico
nathaniel nate nat nathan
peter pete
philip phil pip
samuel sam sammy
stephen steve stevie steven
timothy tim timmy
victoria vicky tori
zachary zach zack
gregory greg
jacob jake
joshua josh
kenneth ken kenny
leonard leo len lenny
ronald ron ronnie
donald don donny
douglas doug
gerald gerry jerry
raymond ray
walter walt wally
albert al bert
alfred alf alfie
eleanor ellie nora elle
isabella bella izzy isabel
jessica jess jessie
amanda mandy
abigail abby gail
dorothy dot dottie dolly
florence flo flossie
harold harry
josephine jo josie
judith judy
louise lou lulu
mary molly polly mae
sarah sally sadie sara
theodore theo ted teddy
eugene gene
francis frank fran frankie
franklin frank
herbert herb
vincent vince vinny
mohammed muhammad mohammad mohamed mohamad muhammed mohd md
abdul abdool
venkateswara venkatesh venkat
srinivas srinivasa srini cheenu
subramanian subramaniam subbu mani
lakshmi laxmi lakshmy
krishna krish kishan kishen
ramakrishna rk
vijay vijai
suresh sureshkumar
rajesh raju raj
rajendra rajinder rajender raju
narayana narayan narayanan
satyanarayana satya
venkatalakshmi venkatalaxmi
balasubramanian balu bala
gopalakrishnan gopal
ananth anant anantha
jagadish jagdish jagdeesh
mahesh maheswar maheshwar
sanjay sanju
siddharth sid siddhartha
aishwarya aish
priyanka priya
deepak dipak
dilip deelip
shyam sham shaam
"""

NICKNAMES: dict[str, str] = {}
for _line in _GROUPS.strip().splitlines():
    _names = _line.split()
    for _name in _names:
        NICKNAMES.setdefault(_name, _names[0])


def canonical_given(name: str) -> str:
    """The canonical form of a folded given name (``bob`` -> ``robert``), or the name itself."""
    return NICKNAMES.get(name, name)
