import { FormatRegistry } from '@sinclair/typebox';

// TypeBox knows no string formats by itself: each one a schema names must be registered, or
// every value of that field is refused. RFC 3339 date-time, as `Date#toISOString` writes it
// and JSON clients send it (a time zone is required).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));
