"""Words split after their first letter by a converter, joined again (`split_words`)."""

from __future__ import annotations

import pytest

from candidates.parsing.split_words import rejoin_split_words

# Lines shaped as the vacancy-resume-matching set's CV 36 reads (a Word file converted from a
# PDF), with other words.
WHOLLY_SPLIT = "\n".join(
    [
        "Jane Roe",
        "Looking f or t he S enior D ata E ngineer p osition.",
        "Skills: P ython, S cala, A pache S park, P L S QL, D B2;",
        "Airflow, K afka, S nowflake;",
        "Globex ( Berlin) I w as a ble t o m ake m any p ipelines a s a p art o f a t eam",
        "Data E ngineer a w ide s tack",
        "March 2 018 - p resent - P ython, A pache S park",
    ]
)


def test_a_wholly_split_document_reads_whole_words():
    lines = rejoin_split_words(WHOLLY_SPLIT).split("\n")
    assert lines == [
        "Jane Roe",
        "Looking for the Senior Data Engineer position.",
        "Skills: Python, Scala, Apache Spark, PL SQL, DB2;",
        "Airflow, Kafka, Snowflake;",
        "Globex ( Berlin) I was able to make many pipelines as a part of a team",
        "Data Engineer a wide stack",
        "March 2018 - present - Python, Apache Spark",
    ]


def test_a_line_with_a_few_split_words_among_whole_ones_is_mended_alone():
    text = "Hobbies\nAn avid golfer, s ports fan, music collector, s kier, f itness enthusiast"
    assert rejoin_split_words(text) == (
        "Hobbies\nAn avid golfer, sports fan, music collector, skier, fitness enthusiast"
    )


@pytest.mark.parametrize(
    "line",
    [
        # Lone letters that are words, initials or names of their own.
        "Wrote C programs, R scripts and a Go service; I was a lead on the B team",
        "Ran a program with students at U of L & U of K called Survivors Teaching",
        "Vitamin D levels, Plan B and type A patients in ward C",
        # A page that spaced letters apart anywhere: no first letter stands apart, so no
        # rule can tell where its words end; it is left as written.
        "a rchite cte d a nd de live re d clo ud migra tio n e nga ge me nts",
        # Too few split words on a line to be sure of any.
        "Served when C ontinuous Improvement was introduced",
    ],
)
def test_ordinary_lines_are_left_as_written(line):
    assert rejoin_split_words(line) == line


def test_only_a_document_that_is_split_throughout_mends_its_short_lines():
    short = "Maven, G radle, G ulp;"
    assert rejoin_split_words(short) == short
    mended = rejoin_split_words(WHOLLY_SPLIT + "\n" + short).split("\n")
    assert mended[-1] == "Maven, Gradle, Gulp;"
