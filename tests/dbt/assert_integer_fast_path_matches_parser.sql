{{ config(enabled=(target.type == 'postgres')) }}
-- PostgreSQL only: parse_integer tells plain digits with translate() before its regular
-- expression. Over the edges of both (empty, spaces, signs, decimals, leading zeros, 18 and 19
-- digits, non-ASCII digits, exponents) lists the values where it disagrees with the portable
-- implementation (default__parse_integer).
with

cases as (
    select value_text from unnest(array[
        '', ' ', '0', '-0', '+0', '00', '007', ' 42 ', '4 2', '+5', '-5', '5.0', '5.00', '5.', '.5', '5.5',
        '123456789012345678', '-123456789012345678', '1234567890123456789', '9223372036854775807',
        '١٢', '12e3', '0x10', '+', '-', 'x', '95.0 ', E'\t95'
    ]) as cases (value_text)
    union all
    select null
),

parsed as (
    select
        value_text,
        {{ postgres__parse_integer('value_text') }} as parsed,
        {{ default__parse_integer('value_text') }} as portable
    from cases
)

select * from parsed
where parsed is distinct from portable
