{#-
    Generic test: every row satisfies the boolean SQL `expression` (rows where
    it is false or null fail). Combine with `config: where:` to scope it.
-#}
{% test expression_is_true(model, expression) %}

    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)

{% endtest %}
