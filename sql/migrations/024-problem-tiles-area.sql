-- Problem tiles filter by area (issue 12, the office screen: choosing a street, community or grid
-- filters the problem map as it filters the list). sql/functions/problem_tile_features.sql gains a
-- last argument, f_area; CREATE OR REPLACE cannot change a function's arguments, so the old
-- signature goes here and the functions step (run after the migrations) creates the new one.
DROP FUNCTION IF EXISTS problem_tile_features(integer, integer, integer, text[], text, timestamptz,
  text[], text, integer, text[], timestamptz, timestamptz, boolean);
