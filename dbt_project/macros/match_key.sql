{#- The team's application name matching rule, kept identical to the sample company generator's
    (see the team brief): names that differ only by case, URL, domain suffix, legal-form words or
    punctuation get the same key. "Slack Technologies, LLC" and "slack.com" both give "slack".
    It mirrors sample_company.matching.match_key: alphanumeric means ASCII a-z and 0-9, and the
    trim removes Unicode spaces as Python's str.strip does. -#}
{% macro match_key(column) -%}
    {%- set dropped_words = [
        'inc', 'llc', 'ltd', 'limited', 'gmbh', 'corp', 'corporation', 'co', 'company',
        'technologies', 'technology', 'software', 'labs', 'plc', 'sa', 'ag',
    ] -%}
    regexp_replace(
        array_to_string(
            list_filter(
                string_split_regex(
                    regexp_replace(
                        regexp_replace(
                            regexp_replace(
                                lower(regexp_replace({{ column }}, '^[\s\v\pZ]+|[\s\v\pZ]+$', '', 'g')),
                                '^https?://', ''
                            ),
                            '^www\.', ''
                        ),
                        '\.(com|io|ai|net|org|co|app)$', ''
                    ),
                    '[^a-z0-9]+'
                ),
                lambda word: word not in ('{{ dropped_words | join("', '") }}')
            ),
            ''
        ),
        '[^a-z0-9]', '', 'g'
    )
{%- endmacro %}
