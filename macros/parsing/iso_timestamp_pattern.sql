{#- The regular expression of an ISO 8601 date-time with an optional UTC offset, as the feed may write it. -#}
{% macro iso_timestamp_pattern() -%}
^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?$
{%- endmacro %}
