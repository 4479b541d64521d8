"""Write the bundled recorded TMDB responses in data/sample/tmdb (deterministic).

Hand-recorded from TMDB: the films of the sample show feed
(scripts/make_sample_shows.py) and three series, in the shape TMDB's v3 API
returns them (details with videos, credits, external_ids, release_dates or
content_ratings and watch/providers appended). TMDB ids, IMDb ids, titles,
release dates, runtimes, genres, directors, main cast and YouTube trailer keys
are real as far as they were known when recorded; image paths, popularity,
votes, credit ids and watch providers are illustrative placeholders (see
data/sample/tmdb/README.md). `"Weird": The Al Yankovic Story` is left out of the
search index on purpose: it exercises the not-found path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "sample" / "tmdb"

GENRES = {
    "Action": 28, "Adventure": 12, "Animation": 16, "Comedy": 35, "Crime": 80, "Drama": 18,
    "Family": 10751, "Fantasy": 14, "History": 36, "Mystery": 9648, "Romance": 10749,
    "Science Fiction": 878, "Thriller": 53, "Music": 10402,
}  # fmt: skip
TV_GENRES = {"Drama": 18, "Crime": 80, "Comedy": 35}

PROVIDERS = {
    "Netflix": (8, 1), "Amazon Prime Video": (9, 2), "Disney Plus": (337, 3), "Max": (1899, 4),
    "Apple TV": (2, 6), "Amazon Video": (10, 7), "Google Play Movies": (3, 8), "Peacock": (386, 9),
    "MUBI": (11, 10), "Hulu": (15, 5), "Paramount Plus": (531, 11),
}  # fmt: skip

# (tmdb id, imdb id, title, original title, original language, release date, runtime,
#  genres, certification, directors, cast [(name, character)], trailer key or None,
#  US offers {offer type: [providers]}, GB offers, search queries)
FILMS = [
    (693134, "tt15239678", "Dune: Part Two", "Dune: Part Two", "en", "2024-02-27", 167,
     ["Science Fiction", "Adventure"], "PG-13", ["Denis Villeneuve"],
     [("Timothée Chalamet", "Paul Atreides"), ("Zendaya", "Chani"), ("Rebecca Ferguson", "Lady Jessica")],
     "Way9Dexny3w", {"flatrate": ["Max"], "rent": ["Apple TV", "Amazon Video"]}, {"rent": ["Apple TV"]},
     ["Dune: Part Two"]),
    (872585, "tt15398776", "Oppenheimer", "Oppenheimer", "en", "2023-07-19", 181,
     ["Drama", "History"], "R", ["Christopher Nolan"],
     [("Cillian Murphy", "J. Robert Oppenheimer"), ("Emily Blunt", "Kitty Oppenheimer"), ("Matt Damon", "Leslie Groves")],
     "uYPbbksJxIg", {"flatrate": ["Peacock"], "rent": ["Apple TV"], "buy": ["Apple TV"]}, {"flatrate": ["Amazon Prime Video"]},
     ["Oppenheimer"]),
    (346698, "tt1517268", "Barbie", "Barbie", "en", "2023-07-19", 114,
     ["Comedy", "Adventure"], "PG-13", ["Greta Gerwig"],
     [("Margot Robbie", "Barbie"), ("Ryan Gosling", "Ken"), ("America Ferrera", "Gloria")],
     "pBk4NYhWNMM", {"flatrate": ["Max"], "rent": ["Amazon Video"]}, {"flatrate": ["Netflix"]},
     ["Barbie"]),
    (569094, "tt9362722", "Spider-Man: Across the Spider-Verse", "Spider-Man: Across the Spider-Verse", "en",
     "2023-05-31", 140, ["Animation", "Action", "Adventure", "Science Fiction"], "PG",
     ["Joaquim Dos Santos", "Kemp Powers", "Justin K. Thompson"],
     [("Shameik Moore", "Miles Morales (voice)"), ("Hailee Steinfeld", "Gwen Stacy (voice)"), ("Oscar Isaac", "Miguel O'Hara (voice)")],
     "shW9i6k8cB0", {"flatrate": ["Netflix"], "rent": ["Apple TV"]}, {"flatrate": ["Netflix"]},
     ["Spider-Man: Across the Spider-Verse"]),
    (792307, "tt14230458", "Poor Things", "Poor Things", "en", "2023-12-07", 141,
     ["Science Fiction", "Romance", "Comedy"], "R", ["Yorgos Lanthimos"],
     [("Emma Stone", "Bella Baxter"), ("Mark Ruffalo", "Duncan Wedderburn"), ("Willem Dafoe", "Dr. Godwin Baxter")],
     "RlbR5N6veqw", {"flatrate": ["Hulu", "Disney Plus"]}, {"flatrate": ["Disney Plus"]},
     ["Poor Things"]),
    (915935, "tt17009710", "Anatomy of a Fall", "Anatomie d'une chute", "fr", "2023-08-23", 152,
     ["Crime", "Drama", "Thriller"], "R", ["Justine Triet"],
     [("Sandra Hüller", "Sandra Voyter"), ("Swann Arlaud", "Vincent Renzi"), ("Milo Machado-Graner", "Daniel Maleski")],
     None, {"flatrate": ["Hulu"], "rent": ["Apple TV"]}, {"flatrate": ["MUBI"]},
     ["Anatomie d'une chute", "Anatomy of a Fall"]),
    (194, "tt0211915", "Amélie", "Le Fabuleux Destin d'Amélie Poulain", "fr", "2001-04-25", 122,
     ["Comedy", "Romance"], "R", ["Jean-Pierre Jeunet"],
     [("Audrey Tautou", "Amélie Poulain"), ("Mathieu Kassovitz", "Nino Quincampoix"), ("Rufus", "Raphaël Poulain")],
     None, {"rent": ["Apple TV", "Amazon Video"]}, {"flatrate": ["MUBI"]},
     ["Le Fabuleux Destin d'Amélie Poulain", "Amélie"]),
    (129, "tt0245429", "Spirited Away", "千と千尋の神隠し", "ja", "2001-07-20", 125,
     ["Animation", "Family", "Fantasy"], "PG", ["Hayao Miyazaki"],
     [("Rumi Hiiragi", "Chihiro Ogino / Sen (voice)"), ("Miyu Irino", "Haku (voice)"), ("Mari Natsuki", "Yubaba / Zeniba (voice)")],
     "ByXuk9QqQkk", {"flatrate": ["Max"]}, {"flatrate": ["Netflix"]},
     ["千と千尋の神隠し", "Spirited Away"]),
    (161, "tt0240772", "Ocean's Eleven", "Ocean's Eleven", "en", "2001-12-07", 116,
     ["Thriller", "Crime"], "PG-13", ["Steven Soderbergh"],
     [("George Clooney", "Danny Ocean"), ("Brad Pitt", "Rusty Ryan"), ("Julia Roberts", "Tess Ocean")],
     None, {"flatrate": ["Max"], "rent": ["Apple TV"]}, {"rent": ["Apple TV"]},
     ["Ocean's Eleven"]),
    (120467, "tt2278388", "The Grand Budapest Hotel", "The Grand Budapest Hotel", "en", "2014-02-26", 100,
     ["Comedy", "Drama"], "R", ["Wes Anderson"],
     [("Ralph Fiennes", "M. Gustave"), ("Tony Revolori", "Zero Moustafa"), ("F. Murray Abraham", "Mr. Moustafa")],
     "1Fg5iWmQjwk", {"flatrate": ["Disney Plus"], "rent": ["Apple TV"]}, {"flatrate": ["Disney Plus"]},
     ["The Grand Budapest Hotel"]),
    (545611, "tt6710474", "Everything Everywhere All at Once", "Everything Everywhere All at Once", "en",
     "2022-03-24", 140, ["Action", "Adventure", "Science Fiction"], "R", ["Daniel Kwan", "Daniel Scheinert"],
     [("Michelle Yeoh", "Evelyn Quan Wang"), ("Ke Huy Quan", "Waymond Wang"), ("Stephanie Hsu", "Joy Wang / Jobu Tupaki")],
     "wxN1T1uxQ2g", {"flatrate": ["Amazon Prime Video"], "rent": ["Apple TV"]}, {"flatrate": ["Amazon Prime Video"]},
     ["Everything Everywhere All at Once"]),
    (496243, "tt6751668", "Parasite", "기생충", "ko", "2019-05-30", 133,
     ["Comedy", "Thriller", "Drama"], "R", ["Bong Joon-ho"],
     [("Song Kang-ho", "Kim Ki-taek"), ("Lee Sun-kyun", "Park Dong-ik"), ("Cho Yeo-jeong", "Choi Yeon-kyo")],
     "5xH0HfJHsaY", {"flatrate": ["Max"], "rent": ["Apple TV"]}, {"flatrate": ["Amazon Prime Video"]},
     ["기생충", "Parasite"]),
    (1022789, "tt22022452", "Inside Out 2", "Inside Out 2", "en", "2024-06-11", 97,
     ["Animation", "Adventure", "Comedy", "Family"], "PG", ["Kelsey Mann"],
     [("Amy Poehler", "Joy (voice)"), ("Maya Hawke", "Anxiety (voice)"), ("Kensington Tallman", "Riley (voice)")],
     "LEjhY15eCx0", {"flatrate": ["Disney Plus"]}, {"flatrate": ["Disney Plus"]},
     ["Inside Out 2"]),
    (402431, "tt1262426", "Wicked", "Wicked", "en", "2024-11-20", 160,
     ["Drama", "Romance", "Fantasy"], "PG", ["Jon M. Chu"],
     [("Cynthia Erivo", "Elphaba Thropp"), ("Ariana Grande", "Galinda Upland"), ("Jonathan Bailey", "Fiyero Tigelaar")],
     "6COmYeLsz4c", {"flatrate": ["Peacock"], "rent": ["Apple TV"], "buy": ["Apple TV"]}, {"rent": ["Apple TV"]},
     ["Wicked"]),
    (558449, "tt9218128", "Gladiator II", "Gladiator II", "en", "2024-11-05", 148,
     ["Action", "Adventure", "Drama"], "R", ["Ridley Scott"],
     [("Paul Mescal", "Lucius"), ("Denzel Washington", "Macrinus"), ("Pedro Pascal", "Marcus Acacius")],
     "4rgYUipGJNo", {"flatrate": ["Paramount Plus"], "rent": ["Apple TV"]}, {"flatrate": ["Paramount Plus"]},
     ["Gladiator II"]),
    (1241982, "tt13622970", "Moana 2", "Moana 2", "en", "2024-11-21", 100,
     ["Animation", "Adventure", "Family", "Comedy"], "PG", ["David G. Derrick Jr.", "Jason Hand", "Dana Ledoux Miller"],
     [("Auliʻi Cravalho", "Moana (voice)"), ("Dwayne Johnson", "Maui (voice)"), ("Hualālai Chung", "Moni (voice)")],
     "hDZ7y8RP5HE", {"flatrate": ["Disney Plus"]}, {"flatrate": ["Disney Plus"]},
     ["Moana 2"]),
    (974576, "tt20215234", "Conclave", "Conclave", "en", "2024-10-25", 120,
     ["Drama", "Thriller", "Mystery"], "PG", ["Edward Berger"],
     [("Ralph Fiennes", "Cardinal Lawrence"), ("Stanley Tucci", "Cardinal Bellini"), ("John Lithgow", "Cardinal Tremblay")],
     "JX9jasdi3ic", {"flatrate": ["Peacock"], "rent": ["Apple TV"]}, {"flatrate": ["Amazon Prime Video"]},
     ["Conclave"]),
    (549509, "tt8999762", "The Brutalist", "The Brutalist", "en", "2024-12-20", 215,
     ["Drama"], "R", ["Brady Corbet"],
     [("Adrien Brody", "László Tóth"), ("Felicity Jones", "Erzsébet Tóth"), ("Guy Pearce", "Harrison Lee Van Buren")],
     "GdRXPAHIEW4", {"rent": ["Apple TV", "Amazon Video"]}, {"rent": ["Apple TV"]},
     ["The Brutalist"]),
    (666277, "tt13238346", "Past Lives", "Past Lives", "en", "2023-06-02", 106,
     ["Drama", "Romance"], "PG-13", ["Celine Song"],
     [("Greta Lee", "Nora Moon"), ("Teo Yoo", "Hae Sung"), ("John Magaro", "Arthur")],
     "kA244xewjcI", {"flatrate": ["Paramount Plus"], "rent": ["Apple TV"]}, {"flatrate": ["MUBI"]},
     ["Past Lives"]),
    (361743, "tt1745960", "Top Gun: Maverick", "Top Gun: Maverick", "en", "2022-05-21", 131,
     ["Action", "Drama"], "PG-13", ["Joseph Kosinski"],
     [("Tom Cruise", "Capt. Pete 'Maverick' Mitchell"), ("Miles Teller", "Lt. Bradley 'Rooster' Bradshaw"), ("Jennifer Connelly", "Penny Benjamin")],
     "giXco2jaZ_4", {"flatrate": ["Paramount Plus"], "rent": ["Apple TV"]}, {"flatrate": ["Paramount Plus"]},
     ["Top Gun: Maverick"]),
    (101, "tt0110413", "Léon: The Professional", "Léon", "fr", "1994-09-14", 111,
     ["Crime", "Drama", "Action"], "R", ["Luc Besson"],
     [("Jean Reno", "Léon"), ("Natalie Portman", "Mathilda"), ("Gary Oldman", "Norman Stansfield")],
     None, {"rent": ["Apple TV", "Amazon Video"], "buy": ["Apple TV"]}, {"rent": ["Apple TV"]},
     ["Léon: The Professional"]),
    (346648, "tt4468740", "Paddington 2", "Paddington 2", "en", "2017-11-09", 104,
     ["Adventure", "Comedy", "Family"], "PG", ["Paul King"],
     [("Ben Whishaw", "Paddington Brown (voice)"), ("Hugh Grant", "Phoenix Buchanan"), ("Hugh Bonneville", "Henry Brown")],
     "52x5HJ9H8DM", {"flatrate": ["Max"]}, {"flatrate": ["Netflix"]},
     ["Paddington 2"]),
    (27205, "tt1375666", "Inception", "Inception", "en", "2010-07-15", 148,
     ["Action", "Science Fiction", "Adventure"], "PG-13", ["Christopher Nolan"],
     [("Leonardo DiCaprio", "Dom Cobb"), ("Joseph Gordon-Levitt", "Arthur"), ("Elliot Page", "Ariadne")],
     "YoHD9XEInc0", {"flatrate": ["Netflix"], "rent": ["Apple TV"]}, {"flatrate": ["Netflix"]},
     ["Inception"]),
]  # fmt: skip

# Search decoys: other real titles a search returns next to the film.
DECOYS = {
    "Ocean's Eleven": [{"id": 299, "title": "Ocean's Eleven", "original_title": "Ocean's 11", "release_date": "1960-08-10",
                        "original_language": "en", "popularity": 12.5}],
    "Dune: Part Two": [{"id": 438631, "title": "Dune", "original_title": "Dune", "release_date": "2021-09-15",
                        "original_language": "en", "popularity": 90.1}],
    "Gladiator II": [{"id": 98, "title": "Gladiator", "original_title": "Gladiator", "release_date": "2000-05-04",
                      "original_language": "en", "popularity": 60.2}],
}  # fmt: skip

# (tmdb id, imdb id, name, original name, language, first air date, episode runtime,
#  genres, US rating, creators, cast, trailer key, US offers, GB offers)
SERIES = [
    (1396, "tt0903747", "Breaking Bad", "Breaking Bad", "en", "2008-01-20", 47, ["Drama", "Crime"], "TV-MA",
     ["Vince Gilligan"], [("Bryan Cranston", "Walter White"), ("Aaron Paul", "Jesse Pinkman"), ("Anna Gunn", "Skyler White")],
     None, {"flatrate": ["Netflix"], "buy": ["Apple TV"]}, {"flatrate": ["Netflix"]}),
    (87108, "tt7366338", "Chernobyl", "Chernobyl", "en", "2019-05-06", 65, ["Drama"], "TV-MA",
     ["Craig Mazin"], [("Jared Harris", "Valery Legasov"), ("Stellan Skarsgård", "Boris Shcherbina"), ("Emily Watson", "Ulana Khomyuk")],
     "s9APLXM9Ei8", {"flatrate": ["Max"]}, {"flatrate": ["Amazon Prime Video"]}),
    (136315, "tt14452776", "The Bear", "The Bear", "en", "2022-06-23", 30, ["Drama", "Comedy"], "TV-MA",
     ["Christopher Storer"], [("Jeremy Allen White", "Carmen 'Carmy' Berzatto"), ("Ebon Moss-Bachrach", "Richard 'Richie' Jerimovich"), ("Ayo Edebiri", "Sydney Adamu")],
     None, {"flatrate": ["Hulu"]}, {"flatrate": ["Disney Plus"]}),
]  # fmt: skip


def _hex(*parts: object) -> str:
    return hashlib.md5("|".join(map(str, parts)).encode()).hexdigest()[:24]


def _person_id(name: str) -> int:
    return 900000 + int(hashlib.md5(name.encode()).hexdigest()[:6], 16) % 99999


def _slug(title: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")


def _providers(kind: str, tmdb_id: int, title: str, us: dict, gb: dict) -> dict:
    results = {}
    for region, offers in (("US", us), ("GB", gb)):
        entry: dict = {"link": f"https://www.themoviedb.org/{kind}/{tmdb_id}-{_slug(title)}/watch?locale={region}"}
        for offer, names in offers.items():
            entry[offer] = [
                {"logo_path": f"/sample-provider-{PROVIDERS[n][0]}.jpg", "provider_id": PROVIDERS[n][0],
                 "provider_name": n, "display_priority": PROVIDERS[n][1]}
                for n in names
            ]  # fmt: skip
        results[region] = entry
    return {"results": results}


def _videos(tmdb_id: int, title: str, trailer: str | None, year: str) -> dict:
    results = []
    if trailer:
        results.append({"iso_639_1": "en", "iso_3166_1": "US", "name": "Official Trailer", "key": trailer,
                        "site": "YouTube", "size": 1080, "type": "Trailer", "official": True,
                        "published_at": f"{year}-01-15T16:00:00.000Z", "id": _hex(tmdb_id, "trailer")})  # fmt: skip
    # a featurette is never the trailer
    results.append({"iso_639_1": "en", "iso_3166_1": "US", "name": f"{title}: Behind the Scenes",
                    "key": _hex(tmdb_id, "featurette")[:11], "site": "YouTube", "size": 1080, "type": "Featurette",
                    "official": True, "published_at": f"{year}-02-01T16:00:00.000Z", "id": _hex(tmdb_id, "feat")})  # fmt: skip
    return {"results": results}


def _credits(tmdb_id: int, cast: list, crew: list[tuple[str, str, str]]) -> dict:
    return {
        "cast": [
            {"adult": False, "id": _person_id(name), "known_for_department": "Acting", "name": name,
             "original_name": name, "character": character, "credit_id": _hex(tmdb_id, "cast", name), "order": order}
            for order, (name, character) in enumerate(cast)
        ],
        "crew": [
            {"adult": False, "id": _person_id(name), "known_for_department": department, "name": name,
             "original_name": name, "department": department, "job": job, "credit_id": _hex(tmdb_id, job, name)}
            for name, department, job in crew
        ],
    }  # fmt: skip


def movie(film: tuple) -> dict:
    (tmdb_id, imdb_id, title, original, language, released, runtime, genres, certification, directors, cast,
     trailer, us, gb, _queries) = film  # fmt: skip
    return {
        "adult": False,
        "backdrop_path": f"/sample-{tmdb_id}-backdrop.jpg",
        "genres": [{"id": GENRES[g], "name": g} for g in genres],
        "id": tmdb_id,
        "imdb_id": imdb_id,
        "original_language": language,
        "original_title": original,
        "overview": f"{title} ({released[:4]}), directed by {' and '.join(directors)}. Recorded sample overview.",
        "popularity": round(20 + (tmdb_id % 977) / 10, 3),
        "poster_path": f"/sample-{tmdb_id}-poster.jpg",
        "release_date": released,
        "runtime": runtime,
        "status": "Released",
        "title": title,
        "video": False,
        "vote_average": round(6.5 + (tmdb_id % 19) / 10, 3),
        "vote_count": 1000 + tmdb_id % 9000,
        "videos": _videos(tmdb_id, title, trailer, released[:4]),
        "credits": _credits(tmdb_id, cast, [(d, "Directing", "Director") for d in directors]),
        "external_ids": {"imdb_id": imdb_id, "wikidata_id": None, "facebook_id": None, "instagram_id": None,
                         "twitter_id": None},  # fmt: skip
        "release_dates": {"results": [{"iso_3166_1": "US", "release_dates": [
            {"certification": certification, "descriptors": [], "iso_639_1": "", "note": "",
             "release_date": f"{released}T00:00:00.000Z", "type": 3}]}]},  # fmt: skip
        "watch/providers": _providers("movie", tmdb_id, title, us, gb),
    }


def series(show: tuple) -> dict:
    (tmdb_id, imdb_id, name, original, language, first_aired, runtime, genres, rating, creators, cast,
     trailer, us, gb) = show  # fmt: skip
    return {
        "backdrop_path": f"/sample-tv-{tmdb_id}-backdrop.jpg",
        "created_by": [{"id": _person_id(c), "credit_id": _hex(tmdb_id, "creator", c), "name": c} for c in creators],
        "episode_run_time": [runtime],
        "first_air_date": first_aired,
        "genres": [{"id": TV_GENRES[g], "name": g} for g in genres],
        "id": tmdb_id,
        "name": name,
        "original_language": language,
        "original_name": original,
        "overview": f"{name} (first aired {first_aired[:4]}), created by {', '.join(creators)}. Recorded sample overview.",
        "popularity": round(40 + (tmdb_id % 977) / 10, 3),
        "poster_path": f"/sample-tv-{tmdb_id}-poster.jpg",
        "status": "Ended",
        "type": "Scripted",
        "vote_average": round(8.0 + (tmdb_id % 9) / 10, 3),
        "vote_count": 5000 + tmdb_id % 9000,
        "videos": _videos(tmdb_id, name, trailer, first_aired[:4]),
        "credits": _credits(tmdb_id, cast, [(c, "Writing", "Creator") for c in creators]),
        "external_ids": {"imdb_id": imdb_id, "tvdb_id": None, "wikidata_id": None},
        "content_ratings": {"results": [{"descriptors": [], "iso_3166_1": "US", "rating": rating}]},
        "watch/providers": _providers("tv", tmdb_id, name, us, gb),
    }


# `/configuration` as TMDB answers it (the image part; change_keys shortened): what the image
# URLs of the marts are built from
CONFIGURATION = {
    "images": {
        "base_url": "http://image.tmdb.org/t/p/",
        "secure_base_url": "https://image.tmdb.org/t/p/",
        "backdrop_sizes": ["w300", "w780", "w1280", "original"],
        "logo_sizes": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
        "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
        "profile_sizes": ["w45", "w185", "h632", "original"],
        "still_sizes": ["w92", "w185", "w300", "original"],
    },
    "change_keys": ["adult", "air_date", "genres", "images", "overview", "poster_path", "release_dates", "runtime", "title", "videos"],
}


def main() -> None:
    (OUT / "configuration.json").write_text(json.dumps(CONFIGURATION, indent=1) + "\n")
    for sub in ("movie", "tv"):
        (OUT / sub).mkdir(parents=True, exist_ok=True)
        for old in (OUT / sub).glob("*.json"):
            old.unlink()
    index: dict[str, list] = {}
    for film in FILMS:
        document = movie(film)
        (OUT / "movie" / f"{film[0]}.json").write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        for query in film[-1]:
            index.setdefault(query.casefold(), []).extend([film[0], *DECOYS.get(query, [])])
    for show in SERIES:
        (OUT / "tv" / f"{show[0]}.json").write_text(json.dumps(series(show), ensure_ascii=False, indent=1) + "\n")
    (OUT / "search_movie.json").write_text(json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(FILMS)} films, {len(SERIES)} series and {len(index)} search queries to {OUT}")


if __name__ == "__main__":
    main()
