#include "AiSquaredCatalog.h"

// The sandbox's AI Squared kinds as their integrations ship them: each one's config/meta.json
// "data" and config/spec.json, in Multiwoven's own shape (draft-07 connection_specification with
// title, type, required, properties carrying type/title/description/order/examples/default/
// readOnly, enums as oneOf of const/title or enum, multiwoven_secret on secrets). Written for the
// sandbox from integrations/lib/multiwoven/integrations/<type>/<folder>/config/ at 8c78a572; the
// descriptions are ours. Deviations from the real files are marked "sandbox:" below.
namespace sandbox::aisquared {
namespace {

const char* const kPostgresqlSourceMeta = R"json({"name":"Postgresql","title":"PostgreSQL",
 "connector_type":"source","category":"Data Warehouse","sub_category":"Relational Database",
 "documentation_url":"https://docs.squared.ai/guides/sources/data-sources/postgresql",
 "github_issue_label":"source-postgresql","icon":"icon.svg","license":"MIT",
 "release_stage":"alpha","support_level":"community","tags":["language:ruby","multiwoven"]})json";
const char* const kPostgresqlSourceSpec = R"json({
 "documentation_url":"https://docs.squared.ai/guides/sources/data-sources/postgresql",
 "stream_type":"dynamic","connector_query_type":"raw_sql",
 "connection_specification":{"$schema":"http://json-schema.org/draft-07/schema#",
  "title":"Postgresql","type":"object","required":["data_type","host","port","database","schema"],
  "properties":{
   "data_type":{"type":"string","title":"Data Format Type",
    "description":"What the database holds: plain tables, or tables with vector columns.",
    "oneOf":[{"const":"structured","title":"Tables & Records (Structured)"},
             {"const":"vector","title":"Tables & Records containing Vector fields"}],
    "default":"structured","order":0},
   "credentials":{"type":"object","title":"","required":["auth_type","username","password"],
    "order":1,"properties":{
     "auth_type":{"type":"string","default":"username/password","readOnly":true,"order":0},
     "username":{"type":"string","title":"Username",
      "description":"The PostgreSQL login to connect with; it needs read access to the data to sync.",
      "examples":["POSTGRESQL_USER"],"order":1},
     "password":{"type":"string","title":"Password","description":"The password of that login.",
      "multiwoven_secret":true,"order":2}}},
   "host":{"type":"string","title":"Host",
    "description":"Hostname or IP address of the PostgreSQL server.","examples":["127.0.0.1"],
    "order":2},
   "port":{"type":"string","title":"Port",
    "description":"Port the server listens on (PostgreSQL's default is 5432).",
    "examples":["5432"],"order":3},
   "database":{"type":"string","title":"Database","description":"The database to read from.",
    "examples":["POSTGRESQL_DB"],"order":4},
   "schema":{"type":"string","title":"Schema","description":"The schema inside that database.",
    "examples":["POSTGRESQL_SCHEMA"],"order":5}}}})json";

const char* const kPostgresqlDestinationMeta = R"json({"name":"Postgresql","title":"PostgreSQL",
 "connector_type":"destination","category":"Database",
 "documentation_url":"https://docs.squared.ai/guides/destinations/retl-destinations/database/postgresql",
 "github_issue_label":"destination-postgresql","icon":"icon.svg","license":"MIT",
 "release_stage":"alpha","support_level":"community","tags":["language:ruby","multiwoven"]})json";
const char* const kPostgresqlDestinationSpec = R"json({
 "documentation_url":"https://docs.squared.ai/guides/destinations/retl-destinations/database/postgresql",
 "stream_type":"dynamic",
 "connection_specification":{"$schema":"http://json-schema.org/draft-07/schema#",
  "title":"Postgresql","type":"object","required":["host","port","database","schema"],
  "properties":{
   "credentials":{"type":"object","title":"","required":["auth_type","username","password"],
    "order":0,"properties":{
     "auth_type":{"type":"string","default":"username/password","readOnly":true,"order":0},
     "username":{"type":"string","title":"Username",
      "description":"The PostgreSQL login to connect with; it needs write access to the target tables.",
      "examples":["POSTGRESQL_USER"],"order":1},
     "password":{"type":"string","title":"Password","description":"The password of that login.",
      "multiwoven_secret":true,"order":2}}},
   "host":{"type":"string","title":"Host",
    "description":"Hostname or IP address of the PostgreSQL server.","examples":["127.0.0.1"],
    "order":1},
   "port":{"type":"string","title":"Port",
    "description":"Port the server listens on (PostgreSQL's default is 5432).",
    "examples":["5432"],"order":2},
   "database":{"type":"string","title":"Database","description":"The database to write to.",
    "examples":["POSTGRESQL_DB"],"order":3},
   "schema":{"type":"string","title":"Schema","description":"The schema inside that database.",
    "examples":["POSTGRESQL_SCHEMA"],"order":4}}}})json";

const char* const kSnowflakeSourceMeta = R"json({"name":"Snowflake","title":"Snowflake",
 "connector_type":"source","category":"Data Warehouse","sub_category":"Relational Database",
 "documentation_url":"https://docs.squared.ai/guides/sources/data-sources/snowflake",
 "github_issue_label":"source-snowflake","icon":"icon.svg","license":"MIT",
 "release_stage":"alpha","support_level":"community","tags":["language:ruby","multiwoven"]})json";
const char* const kSnowflakeSourceSpec = R"json({
 "documentation_url":"https://docs.squared.ai/guides/sources/data-sources/snowflake",
 "stream_type":"dynamic","connector_query_type":"raw_sql",
 "connection_specification":{"$schema":"http://json-schema.org/draft-07/schema#",
  "title":"Snowflake","type":"object","required":["host","role","warehouse","database"],
  "properties":{
   "credentials":{"type":"object","title":"","required":["auth_type","username","password"],
    "order":0,"properties":{
     "auth_type":{"type":"string","default":"username/password","readOnly":true,"order":0},
     "username":{"type":"string","title":"Username",
      "description":"The Snowflake user created for AI Squared.","examples":["MULTIWOVEN_USER"],
      "order":1},
     "password":{"type":"string","title":"Password","description":"That user's password.",
      "multiwoven_secret":true,"order":2}}},
   "host":{"type":"string","title":"Account Name",
    "description":"The account's host: account, region and cloud, ending in snowflakecomputing.com.",
    "examples":["accountname.us-east-2.aws.snowflakecomputing.com"],"order":1},
   "role":{"type":"string","title":"Role","description":"The role AI Squared works as.",
    "examples":["MULTIWOVEN_ROLE"],"order":2},
   "warehouse":{"type":"string","title":"Warehouse","description":"The warehouse that runs the queries.",
    "examples":["MULTIWOVEN_WAREHOUSE"],"order":3},
   "database":{"type":"string","title":"Database","description":"The database to read from.",
    "examples":["MULTIWOVEN_DATABASE"],"order":4},
   "schema":{"type":"string","title":"Schema",
    "description":"The schema to read; empty reads the tables of every schema.",
    "examples":["MULTIWOVEN_SCHEMA"],"order":5},
   "jdbc_url_params":{"type":"string","title":"JDBC URL Params",
    "description":"Extra key=value pairs for the JDBC URL, separated by '&'.","order":6}}}})json";

const char* const kDatabricksSourceMeta = R"json({"name":"Databricks",
 "title":"Databricks Data Warehouse","connector_type":"source","category":"Data Warehouse",
 "sub_category":"Relational Database",
 "documentation_url":"https://docs.squared.ai/guides/sources/data-sources/databricks",
 "github_issue_label":"source-databricks","icon":"icon.svg","license":"MIT",
 "release_stage":"alpha","support_level":"community","tags":["language:ruby","multiwoven"]})json";
// The real file leaves some descriptions empty and its secret (access_token) optional.
const char* const kDatabricksSourceSpec = R"json({
 "documentation_url":"https://docs.squared.ai/guides/sources/data-sources/databricks",
 "stream_type":"dynamic","connector_query_type":"raw_sql",
 "connection_specification":{"$schema":"http://json-schema.org/draft-07/schema#",
  "title":"Databricks Datawarehouse","type":"object",
  "required":["host","port","http_path","catalog","schema"],
  "properties":{
   "host":{"type":"string","title":"Server Hostname",
    "description":"Host name of the Databricks cluster (not of a SQL endpoint).",
    "examples":["abc-12345678-wxyz.cloud.databricks.com"],"order":0},
   "port":{"type":"string","title":"Port","description":"","default":"443","order":1},
   "access_token":{"type":"string","title":"Personal Access Token","description":"",
    "multiwoven_secret":true,"order":2},
   "http_path":{"type":"string","title":"HTTP Path","description":"",
    "examples":["sql/protocolvx/o/1234567489/0000-1111111-abcd90"],"order":3},
   "catalog":{"type":"string","title":"Databricks catalog","description":"The catalog to read.",
    "default":"hive_metastore","order":4},
   "schema":{"type":"string","title":"Database schema",
    "description":"The schema whose tables are read.","default":"default","order":5}}}})json";

const char* const kAmazonS3SourceMeta = R"json({"name":"AmazonS3","title":"Amazon S3",
 "connector_type":"source","category":"Data Lake","sub_category":"Relational Database",
 "documentation_url":"https://docs.squared.ai/guides/sources/data-sources/amazon_s3",
 "github_issue_label":"source-amazons3","icon":"icon.svg","license":"MIT",
 "release_stage":"alpha","support_level":"community","tags":["language:ruby","multiwoven"]})json";
// Required keys depend on auth_type (if/then/else); auth_type is an enum with enumNames.
// sandbox: "prefixes" (an array of strings) is not in the real file; no real spec.json has an
// array property, and the sandbox wants one to exercise forms (assumed).
const char* const kAmazonS3SourceSpec = R"json({
 "documentation_url":"https://docs.squared.ai/guides/sources/data-sources/amazon_s3",
 "stream_type":"dynamic","connector_query_type":"raw_sql",
 "connection_specification":{"$schema":"http://json-schema.org/draft-07/schema#",
  "title":"AmazonS3","type":"object",
  "if":{"properties":{"auth_type":{"enum":["user"]}}},
  "then":{"required":["auth_type","region","bucket","access_id","secret_access"]},
  "else":{"required":["auth_type","region","bucket","arn","external_id"]},
  "properties":{
   "auth_type":{"type":"string","title":"Authentication type","default":"user",
    "description":"Sign in as an IAM user (access key) or assume an IAM role (ARN).",
    "enum":["user","role"],"enumNames":["IAM User","IAM Role"],"order":0},
   "arn":{"type":"string","title":"IAM Role ARN","order":1},
   "external_id":{"type":"string","title":"External Id",
    "description":"The shared id of the cross-account trust.","order":2},
   "access_id":{"type":"string","title":"Access Id","order":3},
   "secret_access":{"type":"string","title":"Secret Access","multiwoven_secret":true,"order":4},
   "region":{"type":"string","title":"Region","description":"The bucket's AWS region.",
    "examples":["us-east-2"],"order":5},
   "bucket":{"type":"string","title":"Bucket","description":"The bucket's name.","order":6},
   "path":{"type":"string","title":"Path","description":"Where the CSV or Parquet files are.",
    "examples":["/path/to/files"],"order":7},
   "file_type":{"type":"string","title":"File Type","description":"The format of the files.",
    "enum":["csv","parquet"],"order":8},
   "data_type":{"type":"string","title":"Data Format Type",
    "description":"Whether the files hold records or documents.",
    "oneOf":[{"const":"structured","title":"Tables & Records (Structured)"},
             {"const":"unstructured","title":"Documents & Files (Unstructured)"}],
    "default":"structured","order":9},
   "endpoint":{"type":"string","title":"Custom Endpoint",
    "description":"An S3-compatible endpoint (MinIO, ...); empty for AWS itself.",
    "examples":["http://localhost:9000"],"order":10},
   "path_style":{"type":"boolean","title":"Path Style",
    "description":"Address the bucket in the path, as MinIO and some S3-compatible stores need.",
    "default":false,"order":11},
   "prefixes":{"type":"array","title":"Key Prefixes",
    "description":"Sandbox only: key prefixes to read, all of the bucket when empty.",
    "items":{"type":"string"},"examples":[["exports/daily/"]],"order":12}}}})json";

const char* const kSftpSourceMeta = R"json({"name":"Sftp","title":"SFTP",
 "connector_type":"source","category":"File Storage","sub_category":"Relational Database",
 "documentation_url":"https://docs.squared.ai/guides/sources/data-sources/sftp",
 "github_issue_label":"source-sftp","icon":"icon.svg","license":"MIT",
 "release_stage":"alpha","support_level":"community","tags":["language:ruby","multiwoven"]})json";
// port is an integer with bounds. sandbox: the real file has no root "type":"object".
const char* const kSftpSourceSpec = R"json({
 "documentation_url":"https://docs.squared.ai/guides/sources/data-sources/sftp",
 "stream_type":"dynamic",
 "connection_specification":{"$schema":"http://json-schema.org/draft-07/schema#",
  "title":"SFTP","type":"object",
  "required":["host","username","password","file_path","file_name","format_type"],
  "properties":{
   "host":{"type":"string","title":"Host","description":"The SFTP server's host name.","order":0},
   "port":{"type":"integer","title":"Port","description":"The SFTP server's port.",
    "minimum":0,"maximum":65536,"default":22,"order":1},
   "username":{"type":"string","title":"User Name","description":"The login on that server.",
    "order":2},
   "password":{"type":"string","title":"Password","description":"That login's password.",
    "multiwoven_secret":true,"order":3},
   "file_path":{"type":"string","title":"File path","description":"The directory of the file.",
    "order":4},
   "file_name":{"type":"string","title":"File Name","description":"The file to read.","order":5},
   "format_type":{"type":"string","title":"File Format Type","description":"The file's format.",
    "enum":["csv"],"default":"csv","order":6}}}})json";

const char* const kSalesforceCrmDestinationMeta = R"json({"name":"SalesforceCrm",
 "title":"Salesforce CRM","connector_type":"destination","category":"CRM",
 "documentation_url":"https://docs.squared.ai/guides/destinations/retl-destinations/crm/salesforce",
 "github_issue_label":"destination-salesforce-crm","icon":"icon.svg","license":"MIT",
 "release_stage":"alpha","support_level":"community","tags":["language:ruby","multiwoven"]})json";
const char* const kSalesforceCrmDestinationSpec = R"json({
 "documentation_url":"https://docs.squared.ai/guides/destinations/retl-destinations/crm/salesforce",
 "stream_type":"static",
 "connection_specification":{"$schema":"http://json-schema.org/draft-07/schema#",
  "title":"Salesforce CRM","type":"object",
  "required":["access_token","refresh_token","instance_url","client_id","client_secret"],
  "properties":{
   "access_token":{"type":"string","title":"Access Token","multiwoven_secret":true,"order":0},
   "refresh_token":{"type":"string","title":"Refresh Token","multiwoven_secret":true,"order":1},
   "instance_url":{"type":"string","title":"Instance URL","order":2},
   "client_id":{"type":"string","title":"Client ID","order":3},
   "client_secret":{"type":"string","title":"Client Secret","multiwoven_secret":true,
    "order":4}}}})json";

const char* const kKlaviyoDestinationMeta = R"json({"name":"Klaviyo","title":"Klaviyo",
 "connector_type":"destination","category":"Marketing Automation",
 "documentation_url":"https://docs.squared.ai/guides/destinations/retl-destinations/marketing-automation/klaviyo",
 "github_issue_label":"destination-klaviyo","icon":"icon.svg","license":"MIT",
 "release_stage":"alpha","support_level":"community","tags":["language:ruby","multiwoven"]})json";
const char* const kKlaviyoDestinationSpec = R"json({
 "documentation_url":"https://docs.squared.ai/guides/destinations/retl-destinations/marketing-automation/klaviyo",
 "stream_type":"static",
 "connection_specification":{"$schema":"http://json-schema.org/draft-07/schema#",
  "title":"Klaviyo","type":"object","required":["public_api_key","private_api_key"],
  "properties":{
   "public_api_key":{"type":"string","title":"Public API Key","multiwoven_secret":true,"order":0},
   "private_api_key":{"type":"string","title":"Private API Key","multiwoven_secret":true,
    "order":1}}}})json";

// headers has no "type" in the real file either: an object only by its additionalProperties.
const char* const kHttpDestinationMeta = R"json({"name":"Http","title":"http",
 "connector_type":"destination","category":"HTTP",
 "documentation_url":"https://docs.squared.ai/guides/destinations/retl-destinations/http/http",
 "github_issue_label":"destination-http","icon":"icon.svg","license":"MIT",
 "release_stage":"alpha","support_level":"community","tags":["language:ruby","multiwoven"]})json";
const char* const kHttpDestinationSpec = R"json({
 "documentation_url":"https://docs.squared.ai/guides/destinations/retl-destinations/http/http",
 "stream_type":"static",
 "connection_specification":{"$schema":"http://json-schema.org/draft-07/schema#",
  "title":"Http","type":"object","required":["destination_url"],
  "properties":{
   "destination_url":{"type":"string","title":"Destination url","order":0},
   "headers":{"title":"Http Headers","order":1,"additionalProperties":{"type":"string"}}}}})json";

const char* const kSlackDestinationMeta = R"json({"name":"Slack","title":"Slack",
 "connector_type":"destination","category":"Team Collaboration",
 "documentation_url":"https://docs.squared.ai/guides/destinations/retl-destinations/team-collaboration/slack",
 "github_issue_label":"destination-slack","icon":"icon.svg","license":"MIT",
 "release_stage":"alpha","support_level":"community","tags":["language:ruby","multiwoven"]})json";
const char* const kSlackDestinationSpec = R"json({
 "documentation_url":"https://docs.squared.ai/guides/destinations/retl-destinations/team-collaboration/slack",
 "stream_type":"static",
 "connection_specification":{"$schema":"http://json-schema.org/draft-07/schema#",
  "title":"Slack","type":"object","required":["api_token","channel_id"],
  "properties":{
   "api_token":{"type":"string","title":"API Token","multiwoven_secret":true,"order":0},
   "channel_id":{"type":"string","title":"Channel ID","order":1}}}})json";

} // namespace

const QList<Kind>& kinds()
{
    // The first kSeedKindsBefore keep their place: the seed's first kind draw picks among them.
    static const QList<Kind> k{
        {QStringLiteral("Postgresql"),
         QStringLiteral("postgresql"),
         {kPostgresqlSourceMeta, kPostgresqlSourceSpec},
         {kPostgresqlDestinationMeta, kPostgresqlDestinationSpec}},
        {QStringLiteral("Snowflake"),
         QStringLiteral("snowflake"),
         {kSnowflakeSourceMeta, kSnowflakeSourceSpec},
         {}},
        {QStringLiteral("SalesforceCrm"),
         QStringLiteral("salesforce_crm"),
         {},
         {kSalesforceCrmDestinationMeta, kSalesforceCrmDestinationSpec}},
        {QStringLiteral("Http"),
         QStringLiteral("http"),
         {},
         {kHttpDestinationMeta, kHttpDestinationSpec}},
        {QStringLiteral("Slack"),
         QStringLiteral("slack"),
         {},
         {kSlackDestinationMeta, kSlackDestinationSpec}},
        {QStringLiteral("Databricks"),
         QStringLiteral("databricks"),
         {kDatabricksSourceMeta, kDatabricksSourceSpec},
         {}},
        {QStringLiteral("Klaviyo"),
         QStringLiteral("klaviyo"),
         {},
         {kKlaviyoDestinationMeta, kKlaviyoDestinationSpec}},
        {QStringLiteral("AmazonS3"),
         QStringLiteral("amazon_s3"),
         {kAmazonS3SourceMeta, kAmazonS3SourceSpec},
         {}},
        {QStringLiteral("Sftp"), QStringLiteral("sftp"), {kSftpSourceMeta, kSftpSourceSpec}, {}},
    };
    return k;
}

} // namespace sandbox::aisquared
