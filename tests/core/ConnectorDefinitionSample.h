#pragma once

// Kept out of the test's .cpp: moc cannot read raw strings with unbalanced quotes.
// Written for this test in the vendor's shape (integrations/.../config/spec.json).
inline const char* const kDefinition = R"json({"name":"Postgresql","title":"PostgreSQL",
 "connector_type":"source","documentation_url":"https://docs.example/pg",
 "connector_spec":{"connection_specification":{
  "$schema":"http://json-schema.org/draft-07/schema#","type":"object",
  "required":["host","credentials","mode"],
  "properties":{
   "zeta":{"type":"string"},
   "host":{"type":"string","order":1},
   "credentials":{"type":"object","order":0,"required":["password"],"properties":{
     "username":{"type":"string","order":1},
     "password":{"type":"string","multiwoven_secret":true,"order":2}}},
   "mode":{"type":"string","order":2,"oneOf":[{"const":"a","title":"Mode A"},{"const":"b"}]},
   "alpha":{"type":"string"},
   "region":{"type":"string","order":3,"enum":["eu","us"],"enumNames":["Europe"]}}}}})json";
