// placeholder: the event engine is being written
