/* Byte buffers that the agent's steps hand each other. */
#include <stdlib.h>

#include "agent.h"

void buffer_free(struct buffer *buffer)
{
	free(buffer->bytes);
	buffer->bytes = NULL;
	buffer->size = 0;
}
