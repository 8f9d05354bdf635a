"""Amazon S3, enough for deployment artifacts and S3 failure destinations (issue 16 part 6)."""
