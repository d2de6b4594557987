#!/usr/bin/env python3
"""Writes the corpus part of the benchmark catalog (catalog.tsv), from a fetched asset cache.

Run once by a developer when the media list changes (the catalog is committed; the fetch script
then produces every derived file it names):

    python3 training/tools/curate_corpus.py CACHE_DIR/root \
        training/src/main/resources/io/avloc/training/synth/catalog.tsv

Picks, for each on-screen class: openclipart drawings whose file name, <dc:title> or keywords
name the class (minus listed false friends), emoji of five drawing styles, Scratch photo
cut-outs of people, qABCs spoken words, and soundfont renders (melodies, drum patterns, rings) of
the class's General MIDI programs. Train and test never share a file: a fixed rule sends about
one in four drawings of each source, one whole emoji set (emojione) and the TimGM6mb renders to
test. Deterministic: sorted inputs, no randomness.
"""
import json
import os
import re
import sys

root = sys.argv[1]
catalog = sys.argv[2]
OC = 'usr/share/openclipart/svg'
rows = []

# The hand-checked lines of the first catalog (Debian packages, DATA.md §4.2) are kept; the lines
# this script writes are replaced. Telephone is now an on-screen class, so its rings are sounds.
STYLE = {'tuxpaint-stamps-default': 'photo', 'qabcs-data': 'clipart', 'scratch': 'clipart'}
# Tux Paint photos moved to train where a class had fewer than 10 training pictures (the class
# keeps other test pictures).
TO_TRAIN = {'usr/share/tuxpaint/stamps/animals/mammals/cats/lion-2.png',
            'usr/share/tuxpaint/stamps/hobbies/music/string/violin.png',
            'usr/share/tuxpaint/stamps/animals/birds/drake.png'}
head, kept = [], []
for line in open(catalog).read().splitlines():
    if line.startswith('#') or not line.strip():
        if not kept:
            head.append(line)
        continue
    f = line.split('\t')
    if f[0] == 'class':
        continue
    f = f[:7]
    if f[0] == 'person' or f[3].startswith(('derived/', 'npm/')):
        continue
    if f[3] in TO_TRAIN:
        f[2] = 'train'
    if f[0] == 'telephone' and f[1] == 'offscreen':
        f[1], f[6] = 'sound', 'device'
    f.append(STYLE.get(f[4], '-') if f[1] == 'image' else '-')
    if '\t'.join(f) not in kept:
        kept.append('\t'.join(f))
PHONE = '\t'.join(['telephone', 'sound', 'train', 'usr/share/sounds/phone.wav', 'gnome-audio',
                   'CC-BY-SA-2.0', 'device', '-'])
if PHONE not in kept:
    kept.append(PHONE)


def row(cls, kind, split, path, pkg, lic, group, style):
    rows.append('\t'.join([cls, kind, split, path, pkg, lic, group, style]))


GROUP = {c: 'animal' for c in
         'dog cat cow rooster horse sheep pig duck frog lion owl elephant'.split()}
GROUP.update({c: 'instrument' for c in 'violin piano guitar trumpet drum'.split()})
GROUP.update({'telephone': 'device', 'person': 'person'})

# --- openclipart: file name, title or keyword names the class --------------------------------
WORDS = {
    'dog': ['dog', 'puppy', 'beagle', 'terrier', 'labrador', 'poodle', 'dachshund', 'hound'],
    'cat': ['cat', 'kitten', 'kitty', 'housecat', 'gatto'],
    'cow': ['cow', 'bull', 'calf', 'cattle', 'mucca'],
    'rooster': ['rooster', 'hen', 'chicken'],
    'horse': ['horse', 'pony', 'foal', 'stallion', 'cavallo'],
    'sheep': ['sheep', 'lamb', 'pecora'],
    'pig': ['pig', 'piglet', 'hog', 'swine'],
    'duck': ['duck', 'goose', 'duckling', 'mallard'],
    'frog': ['frog', 'toad', 'rana'],
    'lion': ['lion', 'lioness', 'leone'],
    'owl': ['owl'],
    'elephant': ['elephant'],
    'violin': ['violin', 'fiddle'],
    'piano': ['piano'],
    'guitar': ['guitar'],
    'trumpet': ['trumpet', 'bugle', 'cornet'],
    'drum': ['drum', 'drums', 'drumkit', 'bongo'],
    'telephone': ['telephone', 'phone', 'cellphone', 'smartphone'],
}
# False friends and unusable drawings (checked by eye on a contact sheet).
NOT = ['hot_dog', 'corn_dog', 'chicken_burger', 'cattle', 'nodding_donkey', 'bulldog_puppy',
       'horse_1_konstantin', 'seahorse', 'sea_lion', 'headphone', 'microphone', 'xylophone',
       'saxophone', 'megaphone', 'dandelion', 'lion_head', 'drumstick', 'oil_drum', 'hen_',
       'cani_e_gatti', 'dog_01_drawn_with_strai_02', 'catalog', 'catapult', 'cathedral',
       'bookcase', 'scatter', 'wildcat', 'location', 'cattail', 'phoneme', 'phone_book',
       'dog_on_leash', 'chodovian', 'telephone_pole', 'hound_', 'piano_keys', 'bullet',
       'bulldozer', 'bull_s_eye', 'bulls_eye', 'pigeon', 'owl_bw', 'tiger', 'tigri',
       'sierra_leone', 'unit_blocks', 'roadsigns', 'mechorse', 'transportation/horse',
       'dead_frogs', 'olifant', 'sim_borja', 'numero_verde', 'flat-theme', 'piano_theory',
       'scodella', 'scrathing_post', 'two_cats', 'vgcats', 'rubber_duck', 'etiquette-theme',
       'hotel_icon', 'aiga_telephone', 'horse_2_konstantin', 'lutte_incendi',
       'sauvetage', 'mute_', 'tpt_cubf', 'duck_yellow_ii']  # opaque squares, a sun disc, trumpet mutes
titles = {}
for d, _, fs in os.walk(os.path.join(root, OC)):
    for f in fs:
        if f.endswith('.svg'):
            p = os.path.relpath(os.path.join(d, f), os.path.join(root, OC))
            t = open(os.path.join(d, f), errors='ignore').read(200000)
            title = re.search(r'<dc:title>(.*?)</dc:title>', t, re.S)
            subj = re.search(r'<dc:subject>(.*?)</dc:subject>', t, re.S)
            kws = re.findall(r'<rdf:li>(.*?)</rdf:li>', subj.group(1), re.S) if subj else []
            titles[p] = ((title.group(1) if title else '').lower(), [k.strip().lower() for k in kws])
BODIES = set()
taken = set()
seen = set()  # the same drawing is often filed in two folders: keep it once (one split)
for cls, words in WORDS.items():
    hits = []
    for p in sorted(titles):
        if p in taken or any(n in p.lower() for n in NOT):
            continue
        body = open(os.path.join(root, OC, p), 'rb').read()
        key = (os.path.basename(p), len(body))
        if os.path.basename(p) in {k[0] for k in seen} or body in BODIES:
            continue
        title, kws = titles[p]
        names = set(re.findall(r'[a-z]+', os.path.basename(p).lower()))
        tw = set(re.findall(r'[a-z]+', title))
        if any(w in names or w in tw or w in kws for w in words):
            hits.append(p)
            seen.add(key)
            BODIES.add(body)
    for i, p in enumerate(hits[:24]):
        taken.add(p)
        split = 'test' if i % 4 == 3 else 'train'
        row(cls, 'image', split, 'derived/openclipart/' + p[:-4] + '.png', 'openclipart-svg',
            'public-domain', GROUP[cls], 'clipart')

# --- Tux Paint's SVG stamps (drawings, rasterized): test pictures -------------------------------
for cls, rel in [('violin', 'hobbies/music/string/violin2'), ('telephone', 'household/electronics/phone'),
                 ('telephone', 'household/electronics/mobile')]:
    if os.path.exists(os.path.join(root, 'usr/share/tuxpaint/stamps', rel + '.svg')):
        row(cls, 'image', 'test', 'derived/tuxpaint/' + rel + '.png', 'tuxpaint-stamps-default',
            'GPL-2', GROUP[cls], 'clipart')

# --- emoji: five drawing styles; emojione held out for test ------------------------------------
GOOGLE = {
    'dog': ['1f436', '1f415', '1f9ae', '1f429'], 'cat': ['1f431', '1f408'],
    'cow': ['1f42e', '1f404', '1f402', '1f403'], 'rooster': ['1f413', '1f414'],
    'horse': ['1f434', '1f40e'], 'sheep': ['1f411', '1f40f'], 'pig': ['1f437', '1f416', '1f417'],
    'duck': ['1f986', '1fabf'], 'frog': ['1f438'], 'lion': ['1f981'], 'owl': ['1f989'],
    'elephant': ['1f418'], 'violin': ['1f3bb'], 'piano': ['1f3b9'], 'guitar': ['1f3b8'],
    'trumpet': ['1f3ba'], 'drum': ['1f941', '1fa98'],
    'telephone': ['260e-fe0f', '1f4de', '1f4f1', '1f4f2'], 'person': ['1f5e3-fe0f'],
}
for cls, cps in GOOGLE.items():
    for cp in cps:
        row(cls, 'image', 'train',
            'npm/emoji-datasource-google/img/google/64/' + cp + '.png',
            'npm:emoji-datasource-google@16.0.0', 'Apache-2.0', GROUP[cls], 'emoji')
ICONIFY = {
    'noto-v1': ('@iconify-json/noto-v1@1.2.5', 'Apache-2.0', 'train', {
        'dog': ['dog', 'dog-face'], 'cat': ['cat', 'cat-face'], 'cow': ['cow', 'cow-face', 'ox', 'water-buffalo'],
        'rooster': ['rooster', 'chicken'], 'horse': ['horse', 'horse-face'], 'sheep': ['ram'],
        'pig': ['pig', 'pig-face', 'boar'], 'duck': ['duck'], 'frog': ['frog'], 'lion': ['lion'],
        'owl': ['owl'], 'elephant': ['elephant'], 'violin': ['violin'], 'piano': ['musical-keyboard'],
        'guitar': ['guitar'], 'trumpet': ['trumpet'], 'drum': ['drum'],
        'telephone': ['telephone', 'telephone-receiver', 'mobile-phone'], 'person': ['speaking-head']}),
    'fxemoji': ('@iconify-json/fxemoji@1.2.2', 'Apache-2.0', 'train', {
        'dog': ['dog', 'dogside'], 'cat': ['cat', 'catside'], 'cow': ['cow', 'cowface', 'ox', 'waterbuffalo'],
        'rooster': ['rooster', 'chicken'], 'horse': ['horse', 'horseface'], 'sheep': ['sheep', 'ram'],
        'pig': ['pig', 'pigside', 'boar'], 'frog': ['frog'], 'elephant': ['elephant'],
        'violin': ['violin'], 'piano': ['musicalkeyboard'], 'guitar': ['guitar'], 'trumpet': ['trumpet'],
        'telephone': ['blacktelephone', 'blacktouchtonetelephone', 'cellphone', 'whitetouchtonephone',
                      'telephonereceiver2'],
        'person': ['speakingheadinsilhouette']}),
    'streamline-emojis': ('@iconify-json/streamline-emojis@1.2.4', 'CC-BY-4.0', 'train', {
        'dog': ['dog', 'dog-face'], 'cat': ['cat', 'cat-face'], 'cow': ['cow', 'cow-face', 'ox', 'water-buffalo'],
        'rooster': ['rooster', 'chicken'], 'horse': ['horse', 'horse-face'], 'sheep': ['ram'],
        'pig': ['pig', 'pig-face', 'boar-1'], 'frog': ['frog-face'], 'lion': ['lion-face'],
        'elephant': ['elephant'], 'violin': ['violin'], 'piano': ['musical-keyboard'],
        'guitar': ['guitar'], 'trumpet': ['trumpet'], 'telephone': ['telephone'],
        'person': ['speaking-head']}),
    'emojione': ('@iconify-json/emojione@1.2.3', 'CC-BY-4.0', 'test', {
        'dog': ['dog'], 'cat': ['cat'], 'cow': ['cow'], 'rooster': ['rooster'], 'horse': ['horse'],
        'sheep': ['ram'], 'pig': ['pig'], 'duck': ['duck'], 'frog': ['frog'], 'lion': ['lion'],
        'owl': ['owl'], 'elephant': ['elephant'], 'violin': ['violin'], 'piano': ['musical-keyboard'],
        'guitar': ['guitar'], 'trumpet': ['trumpet'], 'drum': ['drum'],
        'telephone': ['telephone', 'mobile-phone'], 'person': ['speaking-head']}),
}
for name, (pkg, lic, split, classes) in ICONIFY.items():
    for cls, icons in classes.items():
        for icon in icons:
            row(cls, 'image', split, 'derived/emoji/' + name + '/' + icon + '.png', 'npm:' + pkg,
                lic, GROUP[cls], 'emoji')

# --- people: Scratch photo cut-outs (whole persons held out for test) and cartoons --------------
PEOPLE = 'usr/share/scratch/Media/Costumes/People/'
PHOTO_PEOPLE = ['amon1', 'anjuli-1', 'anjuli-3', 'anna-1', 'anna-2', 'breakdancer1',
                'calvrett', 'calvrett-thinking', 'cassy-standing-1', 'cassy-chillin',
                'chamak1', 'dan1', 'dan4', 'ed', 'jay', 'jodi1', 'mako-stop', 'mako-laughing',
                'marissa', 'nathan', 'nina1', 'paul1', 'referee1', 'sam', 'thai-dancer',
                'football-stand', 'ribbon-dancer', 'cassy-phone-1']
TEST_PEOPLE = ('anna', 'dan', 'marissa', 'paul', 'thai-dancer', 'referee')
for n in PHOTO_PEOPLE:
    if n == 'cassy-phone-1':
        continue  # holds a phone: ambiguous with the telephone class
    split = 'test' if n.startswith(TEST_PEOPLE) else 'train'
    row('person', 'image', split, PEOPLE + n + '.gif', 'scratch', 'CC-BY-SA-3.0', 'person', 'photo')
for n, split in [('boy1-standing.gif', 'train'), ('girl1-standing.gif', 'train'),
                 ('boy3.gif', 'train'), ('girl4-standing.gif', 'train'), ('girl5.gif', 'test')]:
    row('person', 'image', split, PEOPLE + n, 'scratch', 'CC-BY-SA-3.0', 'person', 'clipart')

UNDECODABLE = {l.strip() for l in open(os.path.join(os.path.dirname(__file__), 'undecodable-words.txt'))
               if l.strip() and not l.startswith('#')}
# --- person speaking: qABCs recorded words; fr and uk voices held out for test -------------------
for lang, split, count in [('en', 'train', 14), ('de', 'train', 14), ('ru', 'train', 14),
                           ('pl', 'train', 14), ('be', 'train', 14), ('fr', 'test', 10),
                           ('uk', 'test', 10)]:
    d = 'usr/share/qabcs/abcs/%s/sounds/words' % lang
    files = sorted(f for f in os.listdir(os.path.join(root, d))
                   if f.endswith('.ogg') and d + '/' + f not in UNDECODABLE)
    step = max(1, len(files) // count)
    for f in files[::step][:count]:
        row('person', 'sound', split, d + '/' + f, 'qabcs-data', 'GPL-3+', 'person', '-')

# --- soundfont renders: train FluidR3_GM, test TimGM6mb (held-out timbre) ------------------------
PROGRAMS = {'piano': ('melody', [0, 1, 2, 3, 4, 5]), 'guitar': ('melody', [24, 25, 26, 27, 29, 30]),
            'violin': ('melody', [40, 110]), 'trumpet': ('melody', [56, 59]),
            'drum': ('drums', [0, 8, 16, 24, 25, 32, 40, 48]), 'telephone': ('ring', [124])}
for font, pkg, lic, split, n in [('FluidR3_GM', 'fluid-soundfont-gm', 'MIT', 'train', 12),
                                 ('TimGM6mb', 'timgm6mb-soundfont', 'GPL-2', 'test', 4)]:
    for cls, (kind, programs) in PROGRAMS.items():
        for i in range(n):
            program = programs[i % len(programs)]
            seed = 1000 * (1 if split == 'train' else 2) + 100 * list(PROGRAMS).index(cls) + i
            row(cls, 'sound', split, 'derived/sf2/%s/%s_%s_p%d_s%d.wav' % (font, cls, kind, program, seed),
                pkg, lic, GROUP[cls], '-')

with open(catalog, 'w') as out:
    out.write('\n'.join(head) + '\n')
    out.write('\t'.join(['class', 'kind', 'split', 'path', 'package', 'licence', 'group', 'style']))
    out.write('\n' + '\n'.join(kept + rows) + '\n')
print('wrote %d lines (%d generated) to %s' % (len(kept) + len(rows), len(rows), catalog))
